# How usocket calls the interpreter's own socket: errors mapped without
# putting MicroPython frames on the heap, sendto destinations remembered, and
# a new socket counted in (or its native socket closed) in one place. Each
# piece is kept small on purpose: a function whose state needs more than 11
# words gets its frame allocated on every call (see bench/README.md).
from ._port import port as _p
from . import _limits

_err = _p.oserror
from ._stack import net as _net


class Guard:
    """`with sock._g:` maps what the native call raised to QuecPython's error.
    A context manager, not `except OSError as e`: on MicroPython that clause
    puts the method's frame on the heap (160 bytes a call), and
    sys.exc_info() is shared by all threads; __exit__ gets this call's own."""

    def __init__(self, sock):
        self.sock = sock

    def __enter__(self):
        pass

    def __exit__(self, kind, e, tb):
        if e is not None and isinstance(e, OSError):
            raise self.sock._fix(e)


class Dest:
    """A sendto destination, checked and routed once; sending to it again is
    one small call (small enough that MicroPython keeps its frame off the heap)."""

    def __init__(self, sock, address, raw):
        self.address = address
        self.raw = raw
        self.gen = _net.gen
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


def accept(native, timeout):
    try:
        return native.accept()
    except OSError as e:
        if e.errno == 11 and timeout:
            raise _err(110)  # not _fix, which reads a listener's errors as a data call's
        raise


def same(known, address):
    # Only an equal tuple of (str, int) is the same destination: a list may
    # have changed since, and 5000.0 must still be refused.
    return type(address) is tuple and known == address and type(address[1]) is int


def done(sock, n):
    if n is None:
        raise _err(110 if sock._to else 11)
    return n
