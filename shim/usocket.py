# QuecPython's usocket over the interpreter's own sockets: (ip, port) tuples,
# accept() -> (conn, ip, port), QuecPython's constants and errno behaviour.
# Data calls (send/recv/read/write) go straight to the native socket and only
# touch Python for the cases QuecPython defines differently.
from ._ports import port as _p
from ._lib import board as _board
from ._lib import limits as _limits
from ._lib import modem as _modem
from ._lib import sockconn as _c
from ._lib.sockargs import integer as _int, service as _service, name as _name
from ._lib.sockargs import word as _word, bufsize as _bufsize, readsize as _readsize
from ._lib.sockargs import timeout as _timeout, proto as _proto
from ._lib.sockcalls import Guard, Waits, admit, same, done
from ._lib.sockconn import NEW as _NEW, CONNECTED as _CONNECTED, LISTEN as _LISTEN
from ._lib.sockconn import CONNECTING as _CONNECTING, EOF as _EOF, CLOSED as _CLOSED, FAILED as _FAILED

AF_INET = 2
AF_INET6 = 10
SOCK_STREAM = 1
SOCK_DGRAM = 2
SOCK_RAW = 3
IPPROTO_IP = 0
IPPROTO_TCP = 6
IPPROTO_UDP = 17
IPPROTO_TCP_SER = 7  # QuecPython: a listening TCP socket
TCP_CUSTOMIZE_PORT = 8  # QuecPython: a client that binds its own address
SOL_SOCKET = 0xFFF
SO_REUSEADDR = 0x0004
TCP_KEEPALIVE = 0x02  # value in minutes, 1-120

_err = _p.oserror


class socket:
    # Constants of a socket's life live on the class (an instance holds them
    # only when they differ). Everything that changes later is created in
    # __init__: with no GIL, adding an attribute to an instance another
    # thread is reading can make that read miss (the attribute map grows).
    _af = AF_INET
    _type = SOCK_STREAM
    _proto = IPPROTO_TCP

    def __init__(self, af=AF_INET, type=SOCK_STREAM, proto=IPPROTO_TCP, *, _native=None, _src=None):
        _word(af, "af")
        _word(type, "type")
        _proto(proto)
        # The board's network stack (the host's sockets, a board's lwIP, a
        # modem's, a test's), held by the socket: one lookup per use.
        self._n = n = _board.get().net
        if _native is None:
            if af not in (AF_INET, AF_INET6) or type not in (1, 2, 3):
                raise _err(22)
            _native = n.socket(af, type)
            self._st = _NEW
        else:
            self._st = _CONNECTED
        self._s = _native
        self._g = Guard(self)
        self._ip = _src  # the local address it uses: what a data-call drop takes away
        self._dead = False  # aborted by a data-call drop
        self._to = None  # None blocking, 0 non-blocking, else seconds
        self._key = None  # a remapped bind, released on close
        self._bound = False
        self._peer = None  # (ip, port) as the app knows it, for recvfrom on TCP
        self._out = None  # the last sendto's Dest
        self._in = None  # (native address, (ip, port), generation) of the last recvfrom
        self._quick = False  # the native stream methods are on the instance
        self._w = None  # Waits while a timeout > 0 is set on a port that needs them
        self._wc = None  # the Waits made once, kept while the socket is untimed (an app may switch often)
        self._rst = False  # reset between accept and connect's return: for the first data call
        if af != AF_INET:
            self._af = af
        if type != SOCK_STREAM:
            self._type = type
        else:
            self._wrapped()  # the stream methods' slots, switched by _fast/_slow
        if proto != IPPROTO_TCP:
            self._proto = proto
        admit(self, _native)

    def _fast(self):
        # A connected socket that blocks (with or without a timeout) gets the
        # native stream methods themselves: on ports whose native calls
        # already answer as QuecPython does (a timeout is OSError(110)), the
        # app's reads and writes then run no Python at all.
        if not self._n.NATIVE_STREAMS or self._to == 0 or self._type != SOCK_STREAM or self._rst:
            return
        _limits.locked(self._go_native)  # not over an abort under way

    def _go_native(self):
        if not self._dead and not self._quick:
            w = self._w
            if w is not None:
                # A timeout on a port that needs Waits: its readinto and write
                # are the slots, the native calls' semantics with the waits.
                self.read, self.readinto, self.readline, self.write = self._wread, w.readinto, self._wreadline, w.write
                self._quick = True
                return
            s = self._s
            # read stays Python: its size is checked first (_sockargs.readsize)
            self.read, self.readinto, self.readline, self.write = self._read, s.readinto, s.readline, s.write
            self._quick = True

    def _slow(self):
        if self._quick:
            self._wrapped()
            self._quick = False

    def _wrapped(self):
        if self._w is not None:
            self.read, self.readinto, self.readline, self.write = self._wread, self._wreadinto, self._wreadline, self._wwrite
        else:
            self.read, self.readinto, self.readline, self.write = self._read, self._readinto, self._readline, self._write

    def _fix(self, e):
        if self._rst:
            self._rst = False
            e = _err(104)  # the reset connect() passed over: this first data call reports it
        if self._st == _LISTEN:
            return _err(107)  # data calls on a listener: lwIP says ENOTCONN
        # lwIP's tcp_write on a pcb that never connected: ERR_CONN -> ENOTCONN,
        # where Linux says EPIPE (an errno lwIP never raises).
        if e.errno == 32 and self._st == _NEW:
            return _err(107)
        if self._dead:
            return _err(103)  # ECONNABORTED: lwIP aborted it when the address went
        if e.errno in (104, 32) and self._st != _CLOSED:
            self._st = _FAILED  # reset: lwIP has freed the connection, state CLOSED
        # The unix port reports a timed-out recv as EAGAIN; QuecPython says 110.
        if e.errno == 11 and self._to:
            return _err(110)
        return e

    def _abort(self):
        with _limits.lock:
            if self._type != SOCK_STREAM or self._st in (_CLOSED, _LISTEN, _NEW):
                return  # listeners survive: lwIP moves them to the new address
            self._dead = True
            self._st = _FAILED
            self._slow()  # later calls go through the wrappers: 103
        self._n.abort(self._s)  # wakes a thread blocked in recv/send on it

    # Binding, listening, accepting, connecting and the local address a socket
    # leaves from: shim/_lib/sockconn.py (its functions are these methods).
    bind, listen, accept, connect = _c.bind, _c.listen, _c.accept, _c.connect
    _route_from, _leave_from_default_nic = _c._route_from, _c._leave_from_default_nic
    _dest, _settle = _c._dest, _c._settle

    def send(self, buf):
        with self._g:
            w = self._w
            return self._s.send(buf) if w is None else w.put(buf, False)

    def sendall(self, buf):
        with self._g:
            w = self._w
            if w is None:
                self._s.sendall(buf)
            else:
                w.put(buf, True)

    def sendto(self, buf, address):
        d = self._out
        if d is None or d.gen != self._n.gen or not (d.address is address or same(d.address, address)):
            d = self._out = self._dest(address)
        ip = self._ip
        if ip is None or ip in _modem.gone:
            self._route_from()
        if not self._bound and (self._n.default_src or _board.get().own):
            self._leave_from_default_nic()
        return d.send(buf)

    # Guarded native calls with one argument: two-parameter methods, so the
    # `with` keeps the frame on the C stack.
    def _recv(self, size):
        with self._g:
            w = self._w
            return self._s.recv(size) if w is None else w.recv(size, self._s.recv)

    def _recvfrom(self, size):
        with self._g:
            w = self._w
            return self._s.recvfrom(size) if w is None else w.recv(size, self._s.recvfrom)

    def recv(self, size):
        size = _bufsize(size)
        data = self._recv(size)
        if data or self._type != SOCK_STREAM or not size:
            return data
        return self._eof()

    def _eof(self):
        if self._dead:
            raise _err(103)
        if self._rst:
            raise self._fix(None)
        # The peer closed: QuecPython raises instead of returning b''.
        with _limits.lock:
            if self._st != _CLOSED:
                self._st = _EOF
        raise _err(107)

    def recvfrom(self, size):
        size = _bufsize(size)
        r = self._recvfrom(size)
        raw = r[1]
        if not raw:  # a stream socket: the kernel names no sender
            return r[0], self._peer
        c = self._in
        if c is None or c[0] != raw or c[2] != self._n.gen:
            c = self._in = (raw, self._n.view(raw), self._n.gen)
        return r[0], c[1]

    # Stream calls: a None from the native socket means "would block". A
    # stream socket reaches them through its instance's slots (see _fast).
    def _read(self, size=None):
        size = _readsize(size)
        with self._g:
            return done(self, self._s.read() if size is None else self._s.read(size))

    def _readinto(self, buf, nbytes=None):
        with self._g:
            return done(self, self._s.readinto(buf) if nbytes is None else self._s.readinto(buf, nbytes))

    def _readline(self):
        with self._g:
            return done(self, self._s.readline())

    def _write(self, buf):
        with self._g:
            return done(self, self._s.write(buf))

    # A timed stream socket's wrappers where its Waits wait (see
    # shim/_lib/sockcalls.py), until it is connected (_go_native).
    def _wread(self, size=None):
        size = _readsize(size)
        with self._g:
            return done(self, self._w.read(size))  # 110 when nothing came

    def _wreadinto(self, buf, nbytes=None):
        with self._g:
            return done(self, self._w.readinto(buf, nbytes))

    def _wreadline(self):
        with self._g:
            return done(self, self._w.readline())

    def _wwrite(self, buf):
        with self._g:
            return self._w.write(buf)

    # What a socket without its own slots (UDP) answers; a stream socket's
    # instance slots, set in __init__, switch between these and the native ones.
    read, readinto, readline, write = _read, _readinto, _readline, _write

    def makefile(self, mode="rb", *args):
        return self  # as on the module: the socket is its own stream

    def settimeout(self, timeout):
        timeout = _timeout(timeout)
        self._s.settimeout(timeout)  # blocking again, if Waits had made it non-blocking
        self._to = timeout
        # Timed calls wait in Python (_lib/sockcalls.Waits) where the native timeouts
        # restart when interrupted; a modem driver's sockets keep their own waits.
        if timeout and _board.get().waits:
            w = self._wc
            if w is None:
                w = self._wc = Waits(self._s, timeout)
            else:
                w.set(timeout)
            self._w = w
        else:
            self._w = None
        if self._type == SOCK_STREAM:
            with _limits.lock:
                self._quick = False
                self._wrapped()  # timeout 0: the wrappers say 11 for "would block"
        if timeout != 0 and self._st == _CONNECTED:
            self._fast()

    def setblocking(self, flag):
        self.settimeout(None if flag else 0)

    def setsockopt(self, level, optname, value):
        # QuecPython ignores `level` and dispatches on the option alone.
        if optname == SO_REUSEADDR:
            self._n.reuseaddr(self._s, 1 if value else 0)
        elif optname == TCP_KEEPALIVE:
            if not 0 <= _int(value, "TCP_KEEPALIVE value") <= 120:
                raise ValueError("TCP_KEEPALIVE is in minutes, 1-120 (0 turns it off)")
            if self._type == SOCK_STREAM:
                self._n.keepalive(self._s, value)
        else:
            print("Warning: lwip.setsockopt() option not implemented")

    def getsocketsta(self):
        st = self._st
        if self._type != SOCK_STREAM:
            return -1 if st == _CLOSED else 0
        if st == _CONNECTING:
            st = self._settle()
        if st == _CONNECTED:
            return self._n.tcp_state(self._s)
        return 0 if st == _FAILED else st

    def fileno(self):
        return self._s.fileno()

    def close(self):
        with _limits.lock:
            if self._st == _CLOSED:
                return
            self._st = _CLOSED
            _limits.live.discard(self)
        if self._key:
            self._n.release(self._key)
        self._s.close()

    def __repr__(self):
        return "<usocket.socket fd=%d state=%d>" % (self._s.fileno(), self.getsocketsta())


_c.socket = socket  # the class accept() makes its connections of


def getaddrinfo(host, port, *_ignored):
    port = _service(port)
    ip = _board.get().net.resolve(_name(host))
    return [(AF_INET6 if ":" in ip else AF_INET, SOCK_STREAM, 0, host, (ip, port))]
