# The unix port past boot (shim/_ports/unix/__init__.py loads it on first
# use): its functions; its constants are all there. Its sockets take and return raw struct sockaddr buffers, so addresses
# are packed and unpacked here and nowhere else.
import socket as _s
import time
import os
import sys
from . import _open, _mounts, stderr
from ..common import readable  # noqa: F401  the port's, shared

# struct sockaddr_in starts with sa_family in host byte order.
if sys.byteorder == "little":
    _F4, _F6 = b"\x02\x00", b"\x0a\x00"
else:
    _F4, _F6 = b"\x00\x02", b"\x00\x0a"
_Z4 = b"\x00\x00\x00\x00"
_Z8 = _Z4 + _Z4

socket = _s.socket
inet_pton = _s.inet_pton


def pack(ip, port):
    if ":" in ip:
        return _F6 + port.to_bytes(2, "big") + _Z4 + _s.inet_pton(10, ip) + _Z4
    return _F4 + port.to_bytes(2, "big") + _s.inet_pton(2, ip) + _Z8


def unpack(raw):
    port = (raw[2] << 8) | raw[3]
    if raw[0] == 2 or raw[1] == 2:
        return _s.inet_ntop(2, bytes(raw[4:8])), port
    return _s.inet_ntop(10, bytes(raw[8:24])), port


# Linux option numbers (the unix port passes them straight to setsockopt).
def setsockopt_reuseaddr(sock, on):
    sock.setsockopt(1, 2, on)  # SOL_SOCKET, SO_REUSEADDR


def setsockopt_keepalive(sock, minutes):
    sock.setsockopt(1, 9, 1 if minutes else 0)  # SOL_SOCKET, SO_KEEPALIVE
    if minutes:
        sock.setsockopt(6, 4, minutes * 60)  # IPPROTO_TCP, TCP_KEEPIDLE
        sock.setsockopt(6, 5, 25)  # TCP_KEEPINTVL, as QuecPython sets it
        sock.setsockopt(6, 6, 3)  # TCP_KEEPCNT


_host_vfs = []


def frename(old, new):
    # Both board paths are on one mount (shim/_desktop/fs.py checked). A mounted
    # VfsPosix builds both host paths in one buffer, so rename('/usr/a',
    # '/usr/b') renames b onto itself (ENOENT); a root-less VfsPosix takes
    # host paths as given.
    i = old.find("/", 1)
    m = old[:i] if i > 0 else old
    h = _mounts.get(m)
    if h is None:
        return os.rename(old, new)  # a volume the app mounted
    if not _host_vfs:
        _host_vfs.append(os.VfsPosix())
    _host_vfs[0].rename(h + old[len(m):], h + new[len(m):])


def privileged_ok():
    v = os.getenv("QPYSHIM_PRIVILEGED")  # the host tells a board whose / is its flash
    if v:
        return v == "1"
    try:
        with _open("/proc/self/status") as f:
            for line in f:
                if line.startswith("Uid:"):
                    return line.split()[2] == "0"  # effective uid
    except OSError:
        pass
    return False


def print_exception(e):
    sys.print_exception(e, sys.stderr)


def heap_free():
    import gc

    return gc.mem_free()


def tcp_state(sock):
    # Peek without consuming: b'' means the peer's FIN has arrived (CLOSE_WAIT).
    try:
        if sock.recv(1, 66) != b"":  # MSG_PEEK | MSG_DONTWAIT
            return 4
    except OSError as e:
        return 4 if e.errno == 11 else 0
    try:
        sock.send(b"")  # after a FIN we may still send; after a reset we may not
        return 7
    except OSError:
        return 0


_UNSPEC = bytes(16)


def abort(sock):
    # connect() to AF_UNSPEC is Linux's disconnect: it resets the connection
    # and wakes a thread blocked in recv or send on it, which close() won't.
    try:
        sock.connect(_UNSPEC)
    except OSError:
        pass


def fd_count():
    return len(os.listdir("/proc/self/fd"))


def stack():
    from ..._desktop import vnet as _vnet

    return _vnet


def app_done(code):
    # Under `qpyshim board` the board stays up and drops to its REPL, as a real
    # one does; under `qpyshim run` the app's status is the process's.
    if os.getenv("QPYSHIM_VBOARD"):
        if code:
            stderr.write("qpyshim: the app ended with status %d\n" % code)
        return
    sys.exit(code)


def link():
    return None  # dataCall runs on the simulated modem of the board config


class _Waker:
    # A datagram on an abstract unix socket ends a poll early: the unix port's
    # lock acquire has no timeout, so a timed wait needs a descriptor.
    def __init__(self):
        import select

        self._addr = b"\x01\x00\x00qpyshim-%d-%d" % (time.ticks_us(), id(self))
        self._r = _s.socket(1, 2)  # AF_UNIX, SOCK_DGRAM
        self._r.bind(self._addr)
        self._r.setblocking(False)  # read only after poll, and then drained
        self._w = _s.socket(1, 2)
        self._w.setblocking(False)  # a full queue already holds a wake-up
        self._p = select.poll()
        self._p.register(self._r, select.POLLIN)

    def wait(self, ms):
        if self._p.poll(ms):
            try:
                while True:
                    self._r.recv(64)  # every queued wake-up: one look at the timers serves them all
            except OSError:
                pass

    def wake(self):
        try:
            self._w.sendto(b"w", self._addr)
        except OSError:
            pass  # a wake-up already queued is enough

    def close(self):
        self._r.close()
        self._w.close()


def waker():
    return _Waker()


def serial(path, baud, bits=8, parity=0, stop=1, flow=0):
    from .line import Tty  # only a board with a modem on a serial line loads it

    return Tty(path, baud, bits, parity, stop, flow)


_POWER = {"restart": "USR1", "watchdog": "ALRM", "off": "USR2"}


def power(how):
    # The runner reads the signal: SIGUSR1 (SIGALRM for the watchdog) boots
    # the board again, SIGUSR2 powers it off. The unix port has no os._exit
    # or kill, but a shell does.
    os.system("kill -%s $PPID" % _POWER[how])
    while True:
        time.sleep(1)  # the signal ends us


def boot_reason():
    return int(os.getenv("QPYSHIM_BOOT_REASON") or 1)


def uart_default(n):
    return None  # the desktop has no serial lines but those the config names


def tls(sock, server_hostname, cert, key, ca):
    from ..._lib.tls import wrap

    return wrap(sock, server_hostname, cert, key, ca)


def gpio(n, direction, pull, level):
    return None  # the desktop's GPIO bank is simulated (shim/_lib/gpio.py)


def nv_path():
    # The board's non-volatile store sits at the root of its flash, beside
    # /usr and not in it (under `qpyshim board` that root is mounted at /).
    if os.getenv("QPYSHIM_VBOARD"):
        return "/nvram.json"
    root = os.getenv("QPYSHIM_FLASH")
    return root + "/nvram.json" if root else None
