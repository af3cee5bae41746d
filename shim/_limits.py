# What the board can hold: open sockets and thread stacks. Each port gives its
# defaults (the desktop keeps the host's own socket limit; an ESP32 has lwIP's
# 10 sockets); the config's "limits" section overrides them.
from ._port import port as _p
from . import _config

_c = _config.section("limits")
sockets = _c.get("sockets", _p.LIMITS["sockets"])  # None: no limit of our own
thread_stack = int(_c.get("thread_stack", _p.LIMITS["thread_stack"]))
del _c

lock = _p.thread.allocate_lock()
open_sockets = 0


def take_socket():
    """Count a new socket, or raise what lwIP raises when it has none left."""
    global open_sockets
    with lock:
        if sockets is not None and open_sockets >= sockets:
            raise _p.oserror(23)  # ENFILE: lwip_socket() found no free slot
        open_sockets += 1


def give_socket():
    global open_sockets
    with lock:
        open_sockets -= 1
