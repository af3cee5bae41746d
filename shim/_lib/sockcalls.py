# How usocket calls the interpreter's own socket: its errnos read as
# QuecPython's, errors mapped without putting frames on the heap, sendto
# destinations remembered, and a new socket counted in (or its native socket
# closed) in one place. The timed calls of a port whose timeouts restart are
# sockwait.py's, loaded when a socket first needs them.
from .._ports import port as _p
from . import board as _board
from . import limits as _limits

_err = _p.oserror
_MAP = getattr(_p, "ERRNO", None)  # the port's numbers that differ from the module's

# A socket's flags (usocket.socket._f); set under _limits.lock, read freely.
DEAD = 1  # aborted by a data-call drop: every later call says 103
BOUND = 2  # bound by the app, or to the default NIC's address
RST = 4  # reset between accept and connect's return: the first data call says 104
WAITS = 8  # timed, on a port whose native timeouts restart: waits in sockwait.py
NB = 16  # the native socket was made non-blocking for those waits


def errno(e):
    """The number QuecPython would have put in `e`, which the board's own
    socket raised (ESP32: newlib's -> the module's). A modem driver's
    sockets and the shim's own errors already carry the module's numbers,
    and some of those are newlib numbers too (113): they pass as they are."""
    n = e.errno
    if _MAP is not None and _board.get().kind == "native":
        return _MAP.get(n, n)
    return n


def mapped(e):
    """`e` as the module raises it: the same object where the numbers agree."""
    n = errno(e)
    return e if n == e.errno else _err(n)


class Guard:
    """`with sock._g:` raises what the native call raised as the module
    does (sock._fix). A context manager, not `except OSError as e`: on
    MicroPython that clause puts the caller's frame on the heap (160 bytes,
    held for as long as the call blocks), where a `with` in a method of two
    parameters keeps it on the C stack; and __exit__ gets this thread's own
    exception. It also holds the peer's (ip, port), so that a socket's
    attributes stay six (one map of eight slots)."""

    def __init__(self, sock, peer):
        self.sock = sock
        self.peer = peer

    def __enter__(self):
        pass

    def __exit__(self, kind, e, tb):
        if e is not None and isinstance(e, OSError):
            raise self.sock._fix(e)


def flag(sock, bit, on=True):
    with _limits.lock:
        sock._f = (sock._f | bit) if on else (sock._f & ~bit)


class Dest:
    """A sendto destination, checked and routed once; sending to it again is
    one small call (small enough that MicroPython keeps its frame off the heap)."""

    def __init__(self, sock, address, raw, gen):
        self.address = address
        self.raw = raw
        self.gen = gen
        self.g = sock._g
        self.f = sock._s.sendto

    def send(self, buf):
        with self.g:
            return self.f(buf, self.raw)


def admit(sock, native):
    try:
        _limits.admit(sock)
    except OSError:
        native.close()
        raise


def accept(native, timeout, down):
    while True:
        try:
            c = native.accept()
        except OSError as e:
            n = errno(e)
            if n == 11 and timeout:
                raise _err(110)  # the module's timed accept
            raise e if n == e.errno else _err(n)
        if down is None or not down(native, c[0]):
            return c  # else its data call is down: reset at once, unseen by the app


def same(known, address):
    # Only an equal tuple of (str, int) is the same destination: a list may
    # have changed since, and 5000.0 must still be refused.
    return type(address) is tuple and known == address and type(address[1]) is int
