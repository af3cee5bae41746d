# usocket's timed calls on a port whose native timeouts restart (the unix
# port: its GC signals every thread and an interrupted call starts its whole
# timeout again, so a reader beside a busy thread would never time out).
# Each call waits in poll, which keeps its own deadline across signals (a
# loop on ticks_ms covers a wait split over several polls), and the native
# call after it never blocks. Loaded by the first settimeout that needs it:
# a board whose timeouts work (an ESP32's lwIP) never pays for this module.
# Every function a waiting call sits in keeps its frame small (sockcalls.Guard).
from .._ports import port as _p
from .sockcalls import NB, flag, errno
import select as _sel
import time as _t

_err = _p.oserror
_POLL_MAX = 0x40000000  # ms, about 12 days: well inside poll's C int


def _inpoll(sock):
    # The socket's own poll for reading, made at its first wait: a reader
    # waits in it again and again with nothing to register.
    p = sock._p
    if p is None:
        p = _sel.poll()
        p.register(sock._s, _sel.POLLIN)
        sock._p = p  # the attribute is there from __init__: no map grows under a reader
    return p


def _poll(p, end):
    ms = _t.ticks_diff(end, _t.ticks_ms())
    while ms > 0:
        if next(p.ipoll(ms if ms < _POLL_MAX else _POLL_MAX), None) is not None:
            return True
        ms = _t.ticks_diff(end, _t.ticks_ms())  # woken early: wait for what is left
    return False


def readable(sock, end):
    return _poll(_inpoll(sock), end)


def writable(s, end):
    # A full send buffer is rare: this poll lives for the one wait.
    p = _sel.poll()
    p.register(s, _sel.POLLOUT)
    return _poll(p, end)


def deadline(sock):
    return _t.ticks_add(_t.ticks_ms(), sock._to)  # ms: no float made per call


def stream(sock):
    """The native socket in non-blocking mode for a timed stream call (it
    stays blocking, with its own timeout, until one needs it: a TLS wrap
    after connect still gets it as the app set it)."""
    s = sock._s
    if not sock._f & NB:
        s.setblocking(False)  # SO_RCVTIMEO stays set for a later TLS wrap
        flag(sock, NB)
    return s


def _first(sock):
    """Wait until the socket is readable: False at the deadline."""
    t = _t.ticks_ms()
    p = sock._p
    if p is None:
        p = _inpoll(sock)
    if next(p.ipoll(sock._to if sock._to < _POLL_MAX else _POLL_MAX), None) is not None:
        return True
    return _poll(p, _t.ticks_add(t, sock._to))  # woken early: wait for what is left


def readinto(sock, buf):
    # One poll, then the read: the common case of a reader waiting for its
    # next message.
    s = sock._s
    if not sock._f & NB:
        stream(sock)
    if not _first(sock):
        raise _err(110)
    r = s.readinto(buf)
    if r is None or (r and r < len(buf)):
        # less than the buffer came: read on for the rest, within one more
        # timeout from here (the native stream read gives each of its reads
        # the whole timeout again)
        return _fill(sock, buf, r or 0, deadline(sock))
    return r  # full, or the end of the stream


def _fill(sock, buf, got, end):
    s = sock._s
    want = len(buf)
    while got < want:
        r = s.readinto(memoryview(buf)[got:] if got else buf)
        if r == 0:
            break  # the end of the stream
        if r is not None:
            got += r
        elif not readable(sock, end):
            break
    if not got and want:
        raise _err(110)
    return got


def recv(sock, size):
    return _recv(sock, size, sock._s.recv)


def recvfrom(sock, size):
    return _recv(sock, size, sock._s.recvfrom)


def _recv(sock, size, f):
    # f: the native recv or recvfrom; MSG_DONTWAIT whatever the socket's mode
    end = deadline(sock)
    while True:
        if not readable(sock, end):
            raise _err(110)
        r = _dontwait(f, size)
        if r is not None:
            return r
        # another thread took what poll saw: wait for what is left


def _dontwait(f, size):
    try:
        return f(size, 64)  # MSG_DONTWAIT
    except OSError as e:
        if e.errno != 11:
            raise
    return None


def read(sock, size):
    if size is not None and size < 0:
        size = None  # read(-1) reads to the end, as the native read
    s = stream(sock)
    end = deadline(sock)
    out = b""
    while (size is None or len(out) < size) and readable(sock, end):
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
    while readable(sock, end):
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
    while sent < n and writable(s, end):
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
        if not writable(s, end):
            net.abort(s)  # stop the kernel's SYN retries
            raise _err(110)
        s.connect(raw)  # a second call reports how it ended (no error: connected)
    finally:
        if not sock._f & NB:
            s.setblocking(True)


def accept(sock):
    stream(sock)  # a listener is never wrapped in TLS
    if not _first(sock):
        raise _err(110)


# usocket's entries: each call under the socket's Guard, in a frame of two
# parameters (sockcalls.Guard).
def g_readinto(sock, buf):
    with sock._g:
        return readinto(sock, buf)


def g_recv(sock, size):
    with sock._g:
        return recv(sock, size)


def g_recvfrom(sock, size):
    with sock._g:
        return recvfrom(sock, size)


def g_read(sock, size):
    with sock._g:
        return read(sock, size)  # 110 when nothing came


def g_readline(sock):
    with sock._g:
        return readline(sock)


def g_write(sock, buf):
    with sock._g:
        return write(sock, buf)


def g_sendall(sock, buf):
    with sock._g:
        sendall(sock, buf)
