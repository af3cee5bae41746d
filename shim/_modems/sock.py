# The waiting primitives and the socket every serial-modem driver hands to
# usocket: a socket with the interpreter's own socket's manners, filled by
# the driver's reader thread and read by app threads.
from .._ports import port as _p

_t = _p.thread
_time = _p.time
_err = _p.oserror
FOREVER = 1000  # longest single wait: a missed wake-up costs at most this


def Event():
    """A wake-up a thread can wait for with a timeout (the unix port's lock
    has none): the port's waker, with wait(ms) and wake(); a wake() before
    the wait is kept, so none is lost. Where it holds descriptors (two
    sockets on the unix port) it has close() too. The port's object itself,
    not a wrapper: one allocation fewer per socket and per driver."""
    return _p.waker()


class Deadline:
    """ms left of a timeout in seconds (None: no end)."""

    def __init__(self, seconds):
        self.end = None if seconds is None else _time.ticks_add(_time.ticks_ms(), int(seconds * 1000))

    def left(self):
        if self.end is None:
            return FOREVER
        return max(0, _time.ticks_diff(self.end, _time.ticks_ms()))

    def over(self):
        return self.end is not None and _time.ticks_diff(self.end, _time.ticks_ms()) <= 0


def wait_until(ev, ready, seconds):
    """Wait on ev until ready() is true; False when the time ran out."""
    d = Deadline(seconds)
    while not ready():
        if seconds == 0 or d.over():
            return False
        ev.wait(min(d.left(), FOREVER))
    return True


# States a modem socket goes through (getsocketsta reads 4 and 7 from here).
NEW, CONNECTING, CONNECTED, LISTENING, BOUND, CLOSED = 0, 2, 4, 1, 3, -1


class MSocket(_p.STREAM_BASE):
    """A socket on the modem's own stack, with the native socket's manners:
    OSError(errno), b'' at the end of a stream, (data, (ip, port)) from
    recvfrom. The reader fills rx/dgrams/clients; app threads wait on ev.
    Every attribute is made here: no GIL, so none may appear later."""

    def __init__(self, drv, type):
        self.d = drv
        self.type = type  # 1 stream, 2 datagram
        self.id = None  # the modem's handle for it
        self.st = NEW
        self.rx = []  # received chunks (MicroPython's bytearray can't drop a head)
        self.rxoff = 0  # bytes of rx[0] already read
        self.dgrams = []  # [(data, (ip, port))]
        self.clients = []  # [(MSocket, (ip, port))] accepted, not yet taken
        self.eof = False  # the peer finished; what is in rx is still readable
        self.err = 0  # errno once the modem dropped it
        self.to = None  # None blocking, 0 non-blocking, else seconds
        self.local = None  # (ip, port) bound to
        self.peer = None  # (ip, port) connected to
        self.pending = 0  # bytes the modem says it holds for us (AT dialects)
        self.extra = None  # a driver's own per-socket state
        self.ev = Event()
        self.lock = _t.allocate_lock()

    # -- told by the reader --------------------------------------------------
    def feed(self, data):
        with self.lock:
            self.rx.append(data)
        self.ev.wake()

    def _take(self, n):
        # Under the lock, rx not empty: at most n bytes of the first chunk.
        c, off = self.rx[0], self.rxoff
        if len(c) - off <= n:
            self.rx.pop(0)
            self.rxoff = 0
            return c[off:] if off else c
        self.rxoff = off + n
        return c[off:off + n]

    def datagram(self, data, addr):
        with self.lock:
            self.dgrams.append((data, addr))
        self.ev.wake()

    def client(self, sock, addr):
        with self.lock:
            self.clients.append((sock, addr))
        self.ev.wake()

    def ended(self, errno=0):
        """The modem dropped it: 0 an orderly end (EOF after the data), else
        the errno later calls raise."""
        with self.lock:
            if errno:
                self.err = self.err or errno
            else:
                self.eof = True
        self.ev.wake()

    # -- waiting ---------------------------------------------------------------
    def _wait(self, ready):
        if self.d.poll_wait(self, ready, self.to):
            return
        if self.err:
            raise _err(self.err)
        raise _err(110 if self.to else 11)

    def _check(self):
        if self.st == CLOSED:
            raise _err(9)

    # -- the native socket's calls ----------------------------------------------
    def settimeout(self, t):
        self.to = t

    def setblocking(self, flag):
        self.to = None if flag else 0

    def setsockopt(self, *args):
        pass  # keepalive and reuse are the modem's own business

    def fileno(self):
        return -1 if self.id is None else self.id

    def bind(self, addr):
        self._check()
        self.local = addr
        if self.type == 2:
            self.d.bind(self, addr[1])
            self.st = BOUND

    def listen(self, backlog=0):
        self._check()
        if self.local is None:
            raise _err(22)
        self.d.listen(self, self.local[1], backlog)
        self.st = LISTENING

    def accept(self):
        self._check()
        if self.st != LISTENING:
            raise _err(22)
        self._wait(self._has_client)
        self._check()
        with self.lock:
            if not self.clients:
                raise _err(self.err or 11)  # ended (link lost): its errno, not an IndexError
            conn, addr = self.clients.pop(0)
        self.d.accepted(self, conn)
        return conn, addr

    def _has_client(self):
        return self.clients or self.err or self.st == CLOSED

    def connect(self, addr):
        self._check()
        if self.st == CONNECTED:
            raise _err(106)  # EISCONN
        self.st = CONNECTING
        try:
            self.d.connect(self, addr[0], addr[1])
        except OSError:
            self.st = NEW if self.type == 2 else CLOSED
            raise
        self.peer = addr
        self.st = CONNECTED

    def _readable(self):
        # CLOSED too: another thread's close() wakes a blocked recv with EBADF.
        return self.rx or self.eof or self.err or self.dgrams or self.st == CLOSED

    def recv(self, n, *flags):
        self._check()
        if self.type == 2:
            return self.recvfrom(n)[0]
        if self.st != CONNECTED:
            raise _err(107)
        if not n:
            return b""
        if not self.rx:
            self._wait(self._readable)
            self._check()
        with self.lock:
            if self.rx:
                return self._take(n)
        if self.err:
            raise _err(self.err)
        return b""  # the peer's orderly end

    def recvfrom(self, n):
        self._check()
        if self.type != 2:
            return self.recv(n), None
        self._wait(self._readable)
        self._check()
        with self.lock:
            if self.dgrams:
                data, addr = self.dgrams.pop(0)
                return data[:n], addr
        raise _err(self.err or 107)

    def send(self, data):
        self._check()
        if self.err:
            raise _err(self.err)
        if self.st != CONNECTED:
            raise _err(107)
        if isinstance(data, str):
            data = data.encode()
        if not data:
            return 0
        return self.d.send(self, memoryview(data)[: self.d.MAX])

    def sendall(self, data):
        if isinstance(data, str):
            data = data.encode()
        m, i = memoryview(data), 0
        while i < len(m):
            i += self.send(m[i:])

    def sendto(self, data, addr):
        self._check()
        if self.type != 2:
            return self.send(data)
        if isinstance(data, str):
            data = data.encode()
        if len(data) > self.d.MAX:
            raise _err(90)  # EMSGSIZE: a datagram goes whole or not at all
        return self.d.sendto(self, data, addr[0], addr[1])

    # Stream calls, as the native socket has them.
    def read(self, n=-1):
        if n is None or n < 0:
            out = bytearray()
            while True:
                b = self.recv(1460)
                if not b:
                    return bytes(out)
                out.extend(b)
        return self.recv(n)

    def readinto(self, buf, n=None):
        b = self.recv(len(buf) if n is None else n)
        buf[: len(b)] = b
        return len(b)

    def readline(self):
        out = bytearray()
        while not out or out[-1] != 10:
            b = self.recv(1)
            if not b:
                break
            out.extend(b)
        return bytes(out)

    def write(self, data):
        self.sendall(data)
        return len(data)

    def ioctl(self, req, arg):
        # select.poll on MicroPython asks streams this (MP_STREAM_POLL).
        if req == 3:
            ready = 0
            if arg & 1 and (self._readable() or self.clients or self.pending):
                ready |= 1
            if arg & 4 and self.st == CONNECTED:
                ready |= 4
            return ready
        if req == 4:  # MP_STREAM_CLOSE
            self.close()
        return 0

    def readable(self, ms):
        """Whether a read would find data (or the end) within ms."""
        return self.d.poll_wait(self, self._readable, ms / 1000)

    def state(self):
        """lwIP's tcp_state number for a connected stream: 4 up, 7 the peer
        ended (CLOSE_WAIT), 0 gone."""
        if self.err:
            return 0
        return 7 if self.eof else 4

    def abort(self):
        self.ended(104)

    def close(self):
        if self.st == CLOSED:
            return
        was = self.st
        self.st = CLOSED
        self.ev.wake()  # a thread blocked on it raises EBADF
        try:
            self.d.close(self, was)
        finally:
            c = getattr(self.ev, "close", None)
            if c:
                c()
