# What the board can hold, and the registry of what the app holds now: open
# sockets and app threads. Each port gives its defaults (the desktop keeps the
# host's own limits; an ESP32 has lwIP's 10 sockets); the config's "limits"
# section can take a module model's profile (shim/_lib/power.py, which reads
# the config once) and override single values.
from .._ports import port as _p

lock = _p.thread.allocate_lock()
live = set()  # every socket the app has open: the limit's count, and what a data-call drop aborts

# The port's defaults until a board powers on with its config (shim/_lib/power.py).
sockets, threads = _p.LIMITS["sockets"], None
thread_stack = _p.LIMITS["thread_stack"]


def admit(sock):
    """Count a new socket in, or raise what lwIP raises when it has none left."""
    with lock:
        if sockets is not None and len(live) >= sockets:
            raise _p.oserror(23)  # ENFILE: lwip_socket()/lwip_accept() found no free slot
        live.add(sock)


def open_sockets():
    with lock:
        return len(live)


def abort(ip):
    """The address `ip` has gone (its data call dropped): abort the TCP
    connections that use it, as lwIP does when a netif loses its address."""
    with lock:
        doomed = [s for s in live if s._ip == ip]
    for s in doomed:
        s._abort()
