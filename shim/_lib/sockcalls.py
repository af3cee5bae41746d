# How usocket calls the interpreter's own socket: errors mapped without
# putting MicroPython frames on the heap, sendto destinations remembered, and
# a new socket counted in (or its native socket closed) in one place. Each
# piece is kept small on purpose: a function whose state needs more than 11
# words gets its frame allocated on every call (see bench/README.md).
from .._ports import port as _p
from . import limits as _limits

_err = _p.oserror
from . import board as _board
import select as _sel  # builtin on every port: no heap
import time as _t


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
        self.gen = sock._n.gen
        self.g = sock._g
        self.f = sock._s.sendto

    def send(self, buf):
        with self.g:
            return self.f(buf, self.raw)


_POLL_MAX = 0x40000000  # ms, about 12 days: well inside poll's C int


class Waits:
    """A socket's timed calls on a port whose native timeouts restart (the
    unix port: its GC signals every thread and the interrupted call starts
    its whole timeout again, so a reader beside a busy thread never times
    out). Each call waits in poll, which keeps its own deadline across
    signals (a loop on ticks_ms covers a wait split over several polls),
    and the native call after it never blocks. The native socket stays
    blocking, with its own timeout, until a stream call needs it
    non-blocking: a TLS wrap after connect still gets it as the app set it.

    readinto and write are a connected socket's slots themselves (see
    usocket._go_native), like the native methods on the untimed path: small
    frames (MicroPython keeps them off the heap), no error mapping, one
    poll and one native call in the common case; the rest in *_rest."""

    def __init__(self, native, timeout):
        self.s = native
        self.ms = 1
        p = self.pi = _sel.poll()
        p.register(native, _sel.POLLIN)
        self.po = None  # for POLLOUT, made on first use
        self.nb = False  # the native socket is in non-blocking mode
        self.set(timeout)

    def set(self, timeout):
        # the native settimeout just made the socket blocking again
        self.ms = int(timeout * 1000) or 1  # up to _sockargs.TIMEOUT_MAX: ticks_add takes it on this port
        self.nb = False

    def end(self):
        return _t.ticks_add(_t.ticks_ms(), self.ms)

    def ready(self, end, out):
        """True once the socket is readable (writable if out); False at end."""
        p = self.po if out else self.pi
        if p is None:
            p = self.po = _sel.poll()
            p.register(self.s, _sel.POLLOUT)
        ms = _t.ticks_diff(end, _t.ticks_ms())
        while ms > 0:
            # poll takes a C int of ms: a longer wait is several polls
            if next(p.ipoll(ms if ms < _POLL_MAX else _POLL_MAX), None) is not None:
                return True
            ms = _t.ticks_diff(end, _t.ticks_ms())  # woken early: wait for what is left
        return False

    def wait(self, end, out):
        if not self.ready(end, out):
            raise _err(110)

    def stream(self):
        if not self.nb:
            self.s.setblocking(False)  # SO_RCVTIMEO stays set for a later TLS wrap
            self.nb = True
        return self.s

    def recv(self, size, f):
        # f: the native recv or recvfrom; MSG_DONTWAIT whatever the socket's mode
        end = self.end()
        while True:
            self.wait(end, False)
            r = _dontwait(f, size)
            if r is not None:
                return r

    def accept(self):
        self.stream()  # a listener is never wrapped in TLS
        self.wait(self.end(), False)

    def readinto(self, buf, n=None):
        if not self.nb:
            self.stream()
        t = _t.ticks_ms()
        if next(self.pi.ipoll(self.ms if self.ms < _POLL_MAX else _POLL_MAX), None) is None:
            return self._readinto_rest(buf, n, t, 0)  # woken early, or the deadline
        r = self.s.readinto(buf) if n is None else self.s.readinto(buf, n)
        if r == len(buf) or r == n or r == 0:
            return r  # full, or the end of the stream
        return self._readinto_rest(buf, n, t, r or 0)

    def _readinto_rest(self, buf, n, t, got):
        want = len(buf) if n is None or n > len(buf) else n
        end = _t.ticks_add(t, self.ms)
        s = self.s
        while got < want:
            r = s.readinto(memoryview(buf)[got:want])  # what has come already, then wait
            if r == 0:
                return got  # the end of the stream
            if r is not None:
                got += r
            elif not self.ready(end, False):
                break
        if not got:
            raise _err(110)
        return got

    def read(self, size=None):
        if size is not None and size < 0:
            size = None  # read(-1) reads to the end, as the native read
        s = self.stream()
        end = self.end()
        out = b""
        while (size is None or len(out) < size) and self.ready(end, False):
            r = s.read() if size is None else s.read(size - len(out))
            if r == b"":
                return out
            if r is not None:
                out += r
        if not out:
            raise _err(110)
        return out

    def readline(self):
        s = self.stream()
        end = self.end()
        out = b""
        while self.ready(end, False):
            r = s.readline()
            if r == b"":
                return out
            if r is not None:
                out += r
                if out[-1:] == b"\n":
                    return out
        if not out:
            raise _err(110)
        return out

    def write(self, buf):
        if not self.nb:
            self.stream()
        r = self.s.write(buf)
        if r == len(buf):
            return r
        return self._write_rest(buf, False, r or 0)

    def put(self, buf, whole):
        """send (whole False) and sendall (True)."""
        if not self.nb:
            self.stream()
        r = self.s.write(buf)
        if r == len(buf):
            return r
        return self._write_rest(buf, whole, r or 0)

    def _write_rest(self, buf, whole, sent):
        """Everything sent, or at the deadline: the count sent so far (110 if
        none, or for sendall, whole=True, if not all)."""
        if type(buf) is str:
            buf = buf.encode()  # the native write sent its UTF-8 bytes: count those
        s = self.s
        n = len(buf)
        if sent >= n:
            return n
        end = self.end()
        while self.ready(end, True):
            r = s.write(memoryview(buf)[sent:])
            if r is not None:
                sent += r
                if sent >= n:
                    return n
        if whole or not sent:
            raise _err(110)
        return sent

    def connect(self, raw):
        s = self.s
        end = self.end()
        s.setblocking(False)
        try:
            try:
                s.connect(raw)
                return
            except OSError as e:
                if e.errno not in (115, 11):
                    raise
            if not self.ready(end, True):
                _board.get().net.abort(s)  # stop the kernel's SYN retries
                raise _err(110)
            s.connect(raw)  # a second call reports how it ended (no error: connected)
        finally:
            if not self.nb:
                s.setblocking(True)


def _dontwait(f, size):
    try:
        return f(size, 64)  # MSG_DONTWAIT
    except OSError as e:
        if e.errno != 11:
            raise
    return None  # another thread took what poll saw


def admit(sock, native):
    try:
        _limits.admit(sock)
    except OSError:
        native.close()
        raise


def accept(native, timeout):
    while True:
        try:
            c = native.accept()
        except OSError as e:
            if e.errno == 11 and timeout:
                raise _err(110)  # not _fix, which reads a listener's errors as a data call's
            raise
        down = _board.get().down  # the desktop's: a board's lwIP or a modem does it itself
        if down is None or not down(native, c[0]):
            return c  # else its data call is down: reset at once, unseen by the app


def same(known, address):
    # Only an equal tuple of (str, int) is the same destination: a list may
    # have changed since, and 5000.0 must still be refused.
    return type(address) is tuple and known == address and type(address[1]) is int


def done(sock, n):
    if not n:
        if n is None:
            raise _err(110 if sock._to else 11)
        if sock._rst:
            raise sock._fix(None)  # connect() passed over a reset: this first call reports it
    return n
