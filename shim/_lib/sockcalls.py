# How usocket calls the interpreter's own socket: its errnos read as
# QuecPython's, timed calls that wait in Python where the port's own
# timeouts restart, sendto destinations remembered, and a new socket counted
# in (or its native socket closed) in one place. Nothing here is kept per
# socket: an idle connection costs the board only its usocket object.
from .._ports import port as _p
from . import board as _board
from . import limits as _limits
import select as _sel  # builtin on every port: no heap
import time as _t

_err = _p.oserror
_MAP = getattr(_p, "ERRNO", None)  # the port's numbers that differ from the module's

# A socket's flags (usocket.socket._f); set under _limits.lock, read freely.
DEAD = 1  # aborted by a data-call drop: every later call says 103
BOUND = 2  # bound by the app, or to the default NIC's address
RST = 4  # reset between accept and connect's return: the first data call says 104
WAITS = 8  # timed, on a port whose native timeouts restart: waits here
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


# Timed calls on the unix port. Its GC signals every thread and an
# interrupted native call starts its whole timeout again, so a reader beside
# a busy thread would never time out: these calls wait in poll, which keeps
# its own deadline across signals (a loop on ticks_ms covers a wait split
# over several polls), and the native call after it never blocks. A poll
# object is lent for the wait from a small pool and keeps its last
# registration, so a thread that waits on the same socket again registers
# nothing; a socket keeps none between calls. The functions a blocked call
# waits in keep their frames small (see Guard).
_POLL_MAX = 0x40000000  # ms, about 12 days: well inside poll's C int
_KEEP = 8  # idle poll objects kept for later waits
# The pool, as three lists kept in step: a poll object, the native socket
# it is registered for, and the events.
_polls, _socks, _events = [], [], []
_plock = _p.thread.allocate_lock()


def _take(s, ev):
    p = old = None
    with _plock:
        if _polls:
            i = _socks.index(s) if s in _socks else len(_polls) - 1
            p, old, was = _polls.pop(i), _socks.pop(i), _events.pop(i)
    if p is None:
        p = _sel.poll()
    if old is not s:
        if old is not None:
            try:
                p.unregister(old)
            except (OSError, KeyError, ValueError):
                pass  # closed since
        p.register(s, ev)
    elif was != ev:
        p.modify(s, ev)
    return p


def _give(p, s, ev):
    with _plock:
        if len(_polls) < _KEEP:  # else dropped, and the socket with it
            _polls.append(p)
            _socks.append(s)
            _events.append(ev)


def _poll(p, end):
    ms = _t.ticks_diff(end, _t.ticks_ms())
    while ms > 0:
        if next(p.ipoll(ms if ms < _POLL_MAX else _POLL_MAX), None) is not None:
            return True
        ms = _t.ticks_diff(end, _t.ticks_ms())  # woken early: wait for what is left
    return False


def ready(s, end, out):
    """True once native `s` is readable (writable if out); False at `end`."""
    ev = _sel.POLLOUT if out else _sel.POLLIN
    p = _take(s, ev)
    r = _poll(p, end)
    _give(p, s, ev)  # not on an exception: the pool simply makes another
    return r


def deadline(sock):
    return _t.ticks_add(_t.ticks_ms(), sock._to)  # ms: no float made per call


def wait(sock, end, out):
    if not ready(sock._s, end, out):
        raise _err(110)


def stream(sock):
    """The native socket in non-blocking mode for a timed stream call (it
    stays blocking, with its own timeout, until one needs it: a TLS wrap
    after connect still gets it as the app set it)."""
    s = sock._s
    if not sock._f & NB:
        s.setblocking(False)  # SO_RCVTIMEO stays set for a later TLS wrap
        flag(sock, NB)
    return s


def recv(sock, size):
    return _recv(sock, size, sock._s.recv)


def recvfrom(sock, size):
    return _recv(sock, size, sock._s.recvfrom)


def _recv(sock, size, f):
    # f: the native recv or recvfrom; MSG_DONTWAIT whatever the socket's mode
    while True:
        if not _first(sock):
            raise _err(110)
        r = _dontwait(f, size)
        if r is not None:
            return r
        # another thread took what poll saw: wait again, the whole timeout


def _dontwait(f, size):
    try:
        return f(size, 64)  # MSG_DONTWAIT
    except OSError as e:
        if e.errno != 11:
            raise
    return None  # another thread took what poll saw


def _inpoll(sock):
    p = sock._p
    if p is None:
        p = _sel.poll()
        p.register(sock._s, _sel.POLLIN)
        sock._p = p  # the attribute is there from __init__: no map grows under a reader
    return p


def readinto(sock, buf):
    # One poll on the socket's own poll object, then the read: the common
    # case of a reader waiting for its next message.
    s = sock._s
    if not sock._f & NB:
        stream(sock)
    if not _first(sock):
        raise _err(110)
    r = s.readinto(buf)
    if r is None or (r and r < len(buf)):
        # what came is less than the buffer: read on for the rest, each
        # wait with the whole timeout again, as the native stream read does
        return _fill(s, buf, r or 0, deadline(sock))
    return r  # full, or the end of the stream


def _first(sock):
    """Wait until the socket is readable: False at the deadline."""
    t = _t.ticks_ms()
    p = sock._p
    if p is None:
        p = _inpoll(sock)
    if next(p.ipoll(sock._to if sock._to < _POLL_MAX else _POLL_MAX), None) is not None:
        return True
    return _poll(p, _t.ticks_add(t, sock._to))  # woken early: wait for what is left


def _fill(s, buf, got, end):
    # A blocking readinto fills the buffer: read on until it is full, the
    # stream ends or the deadline comes (then what came is the answer).
    want = len(buf)
    while got < want:
        r = s.readinto(memoryview(buf)[got:] if got else buf)
        if r == 0:
            break  # the end of the stream
        if r is not None:
            got += r
        elif not ready(s, end, False):
            break
    if not got and not want:
        return 0
    if not got:
        raise _err(110)
    return got


def read(sock, size):
    if size is not None and size < 0:
        size = None  # read(-1) reads to the end, as the native read
    s = stream(sock)
    end = deadline(sock)
    out = b""
    while (size is None or len(out) < size) and ready(s, end, False):
        r = s.read() if size is None else s.read(size - len(out))
        if r == b"":
            return out
        if r is not None:
            out += r
    if not out:
        raise _err(110)
    return out


def readline(sock):
    s = stream(sock)
    end = deadline(sock)
    out = b""
    while ready(s, end, False):
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


def write(sock, buf):
    """write and send: the count sent by the deadline (110 if none)."""
    s = sock._s
    if not sock._f & NB:
        stream(sock)
    r = s.write(buf)
    if r == len(buf):
        return r
    return _out(s, buf, False, r or 0, deadline(sock))


def sendall(sock, buf):
    """All of it by the deadline, or 110."""
    s = stream(sock)
    r = s.write(buf)
    if r != len(buf):
        _out(s, buf, True, r or 0, deadline(sock))


def _out(s, buf, whole, sent, end):
    if type(buf) is str:
        buf = buf.encode()  # the native write sent its UTF-8 bytes: count those
    n = len(buf)
    while sent < n and ready(s, end, True):
        r = s.write(memoryview(buf)[sent:])
        if r is not None:
            sent += r
    if sent >= n:
        return n
    if whole or not sent:
        raise _err(110)
    return sent


def connect(sock, raw, net):
    s = sock._s
    end = deadline(sock)
    s.setblocking(False)
    try:
        try:
            s.connect(raw)
            return
        except OSError as e:
            if errno(e) not in (115, 11):
                raise
        if not ready(s, end, True):
            net.abort(s)  # stop the kernel's SYN retries
            raise _err(110)
        s.connect(raw)  # a second call reports how it ended (no error: connected)
    finally:
        if not sock._f & NB:
            s.setblocking(True)


def waited_accept(sock):
    stream(sock)  # a listener is never wrapped in TLS
    wait(sock, deadline(sock), False)


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
