# What every serial-modem driver shares: a timed event, a socket that looks
# like the interpreter's own (so usocket wraps it as it wraps a native one),
# and the driver skeleton: one reader thread owns the line and turns bytes
# into replies and socket events; app threads take the command lock, write a
# request and wait for the reader to hand them the reply.
from ._port import port as _p

_t = _p.thread
_time = _p.time
_err = _p.oserror
FOREVER = 1000  # longest single wait: a missed wake-up costs at most this
QUIET_MS = 200  # after a lost reply, how long the line must be silent before the next command


class Event:
    """A wake-up a thread can wait for with a timeout (the unix port's lock
    has none). A wake() before the wait is kept, so none is lost."""

    def __init__(self):
        self._w = _p.waker()

    def wait(self, ms):
        self._w.wait(ms)

    def wake(self):
        self._w.wake()

    def close(self):
        # A waker may hold descriptors (two sockets on the unix port).
        c = getattr(self._w, "close", None)
        if c:
            c()


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
            self.ev.close()


class Driver:
    """The skeleton a dialect fills in. It is also the link behind dataCall
    (start/sim/reg/bring, as _modem asks a board's network interface)."""

    NAME = "modem"
    MAX = 1460  # payload bytes per send
    SOCKETS = 4
    READ = 512  # bytes per line read
    SETTLE = False  # after a command timeout, let the line go quiet first (see settle)

    def __init__(self, line, cfg):
        self.line = line
        self.cfg = cfg
        self.lock = _t.allocate_lock()  # socket table and link state
        self.cmdlock = _t.allocate_lock()  # one command in flight
        self.done = Event()  # the reader has the reply to it
        self.reply = None
        self.waiting = False
        self.socks = {}  # the modem's id -> MSocket
        self.ip = "0.0.0.0"
        self.up = False  # the data context (PDP / Wi-Fi) is up
        self.answered = False  # the modem has answered once: the "SIM" stage
        self.dead = False  # the line could not be opened
        self.registered = False
        self.want = False
        self.update = None
        self.timeout_ms = int(cfg.get("command_timeout_ms", 10000))
        self.connect_s = int(cfg.get("connect_timeout_s", 60))
        self.log_io = cfg.get("log_io", False)
        self.unsure = False  # a command timed out: its reply may still come
        self.rx_at = _time.ticks_ms()  # when the reader last had bytes

    # -- one command at a time ---------------------------------------------------
    def request(self, send, timeout_ms=None):
        """Run send() (which writes the request) under the command lock and
        wait for the reader's reply; OSError(110) when none comes."""
        with self.cmdlock:
            return self.exchange(send, timeout_ms)

    def exchange(self, send, timeout_ms=None):
        """request() for a caller that holds the line by its own means."""
        if self.unsure:
            self.settle()
        self.reply = None
        self.waiting = True
        try:
            send()
            d = Deadline((timeout_ms or self.timeout_ms) / 1000)
            while self.reply is None:
                if d.over():
                    self.unsure = self.SETTLE
                    raise _err(110)
                self.done.wait(min(d.left(), FOREVER))
            return self.reply
        finally:
            self.waiting = False

    def settle(self):
        """A reply went missing: wait (at most 2 s) for the line to be quiet,
        so a late reply lands before the next command rather than being
        taken for its reply, then read the line afresh. The AT dialects
        need it (their replies name no command); XBee matches frame IDs."""
        self.unsure = False
        t = _time
        end = t.ticks_add(t.ticks_ms(), 2000)
        while t.ticks_diff(t.ticks_ms(), self.rx_at) < QUIET_MS and t.ticks_diff(end, t.ticks_ms()) > 0:
            t.sleep_ms(QUIET_MS // 4)
        self.resync()

    def answer(self, reply):
        """The reader: this is the reply to the command in flight."""
        if self.waiting and self.reply is None:
            self.reply = reply
            self.done.wake()
            return True
        return False

    def write(self, data):
        if self.log_io:
            _p.stderr.write("qpyshim: modem <- %r\n" % (bytes(data),))
        self.line.write(data)

    # -- the reader ----------------------------------------------------------------
    def reader(self):
        line = self.line
        while True:
            try:
                if not line.readable(FOREVER):
                    self.idle()
                    continue
                data = line.read(self.READ)
            except OSError:
                self.lost()
                return
            if data:
                self.rx_at = _time.ticks_ms()
                if self.log_io:
                    _p.stderr.write("qpyshim: modem -> %r\n" % (data,))
                try:
                    self.parse(data)
                except Exception as e:  # a parser bug must not end the reader
                    from . import _config

                    _config.log("%s: dropped input after %r" % (self.NAME, e))
                    self.resync()

    def idle(self):
        pass

    def lost(self):
        from . import _config

        _config.log("%s: the serial line went away" % self.NAME)
        self.drop_all(103)
        self.set_link(False)

    # -- sockets -----------------------------------------------------------------------
    def socket(self, type):
        return MSocket(self, type)

    def own(self, sock, id):
        with self.lock:
            sock.id = id
            self.socks[id] = sock

    def forget(self, sock):
        with self.lock:
            if sock.id is not None and self.socks.get(sock.id) is sock:
                del self.socks[sock.id]

    def find(self, id):
        with self.lock:
            return self.socks.get(id)

    def drop_all(self, errno):
        with self.lock:
            socks = list(self.socks.values())
            self.socks.clear()
        for s in socks:
            s.ended(errno)

    def poll_wait(self, sock, ready, seconds):
        """Wait for ready(); dialects that must ask the modem override it."""
        return wait_until(sock.ev, ready, seconds)

    def accepted(self, listener, conn):
        pass

    # -- the link behind dataCall ---------------------------------------------------------
    def start(self, auto, update):
        self.update = update
        self.want = auto
        _t.start_new_thread(self.reader, ())
        _t.start_new_thread(self._boot, ())

    def _boot(self):
        # Until the modem answers, ask again each second (a simulator or a
        # modem may come up after the board); say so once.
        from . import _config

        told = False
        while True:
            try:
                self.init()
                break
            except OSError as e:
                if not told:
                    _config.log("%s: no answer from the modem yet (%s); still trying" % (self.NAME, e))
                    told = True
                _time.sleep_ms(1000)
        self.answered = True
        if self.want:
            try:
                self.bring_up()
            except OSError as e:
                _config.log("%s: the data link did not come up (%s)" % (self.NAME, e))

    def sim(self):
        # 18 "initializing" until the modem first answers (checkNet waits on
        # it); 0, "no card", when its line could not even be opened.
        if self.answered:
            return 1
        return 0 if self.dead else 18

    def reg(self):
        if not self.answered:
            return 0
        return 1 if self.registered else (2 if self.want else 0)

    def bring(self, up, ctx):
        self.want = up
        try:
            if up:
                self.bring_up(ctx)
            else:
                self.bring_down()
        except OSError:
            return -1
        return 0 if self.up == up else -1

    def set_link(self, up, ip=None):
        """The data context came or went: dataCall's profile 1 follows."""
        with self.lock:
            changed = self.up != up
            self.up = up
            if ip:
                self.ip = ip
        if not up:
            self.registered = self.registered and self.answered
        if changed and self.update is not None:
            self.update(1, up, self.ip if up else None, None)
