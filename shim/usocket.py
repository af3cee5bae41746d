# QuecPython's usocket over the interpreter's own sockets: (ip, port) tuples,
# accept() -> (conn, ip, port), QuecPython's constants and errno behaviour.
# Data calls (send/recv/read/write) are one Python call around the native
# one; errors and the cases QuecPython defines differently take the rest.
# A socket holds seven attributes (one map of eight slots) and its Guard (bench: heap per idle
# connection); the state of its rarer uses lives in the modules that use it.
from ._ports import port as _p
from ._lib import board as _board
from ._lib import limits as _limits
from ._lib import modem as _modem
from ._lib import sockconn as _c
from ._lib import sockcalls as _sc
from ._lib import sockargs as _a
from ._lib.sockcalls import WAITS  # on every data call: one global, not an attribute

# A module's names cost it heap (a globals slot, often a qstr): the helpers'
# are reached through their modules, _a, _c and _sc.

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
_sw = None  # shim/_lib/sockwait.py, once a socket needs it (a timed socket on the unix port)


def _done(sock, n):
    # A data call's falsy result: None is "would block" from a non-blocking
    # native socket; 0 or b"" after a reset connect() passed over is that reset.
    if n is None:
        raise _err(110 if sock._to else 11)
    if sock._f & _sc.RST:
        raise sock._fix(None)
    return n


def _load_waits():
    # One thread imports it; the others wait: a module is in sys.modules
    # before its code has run, and with no GIL another thread would get it
    # half made.
    global _sw
    with _limits.lock:
        if _sw is None:
            from ._lib import sockwait

            _sw = sockwait


class socket:
    # Constants of a socket's life live on the class (an instance holds them
    # only when they differ). Everything that changes later is created in
    # __init__: with no GIL, adding an attribute to an instance another
    # thread is reading can make that read miss (the attribute map grows).
    _af = AF_INET
    _type = SOCK_STREAM
    _proto = IPPROTO_TCP
    _out = _in = None  # a datagram socket's own: its last sendto's Dest, recvfrom's sender

    def __init__(self, af=AF_INET, type=SOCK_STREAM, proto=IPPROTO_TCP, *, _native=None, _src=None, _peer=None):
        _a.word(af, "af")
        _a.word(type, "type")
        _a.proto(proto)
        if _native is None:
            if af not in (AF_INET, AF_INET6) or type not in (1, 2, 3):
                raise _err(22)
            _native = _c.net().socket(af, type)
            self._st = _c.NEW
        else:
            self._st = _c.CONNECTED
        self._s = _native
        self._ip = _src  # the local address it uses: what a data-call drop takes away
        self._to = None  # ms: None blocking, 0 non-blocking
        self._f = 0  # _sc.DEAD, _sc.BOUND, _sc.RST, WAITS, _sc.NB (shim/_lib/sockcalls.py)
        self._p = None  # the poll a timed read waits in, made at its first wait (unix)
        self._g = _sc.Guard(self, _peer)  # maps errors; holds the peer's (ip, port)
        if af != AF_INET:
            self._af = af
        if type != SOCK_STREAM:
            self._type = type
            self._out = self._in = None
        if proto != IPPROTO_TCP:
            self._proto = proto
        _sc.admit(self, _native)

    def _fix(self, e):
        """What the native call raised (e; None: the pending reset) as the
        module raises it."""
        f = self._f
        if f & _sc.RST:
            _sc.flag(self, _sc.RST, False)
            n = 104  # the reset connect() passed over: this first data call reports it
        else:
            n = _sc.errno(e)
        if self._st == _c.LISTEN:
            return _err(107)  # data calls on a listener: lwIP says ENOTCONN
        # lwIP's tcp_write on a pcb that never connected: ERR_CONN -> ENOTCONN,
        # where Linux says EPIPE (an errno lwIP never raises).
        if n == 32 and self._st == _c.NEW:
            return _err(107)
        if f & _sc.DEAD:
            return _err(103)  # ECONNABORTED: lwIP aborted it when the address went
        if n in (104, 32) and self._st != _c.CLOSED:
            self._st = _c.FAILED  # reset: lwIP has freed the connection, state CLOSED
        # The unix port reports a timed-out recv as EAGAIN; QuecPython says 110.
        if n == 11 and self._to:
            return _err(110)
        return e if e is not None and n == e.errno else _err(n)

    def _abort(self):
        with _limits.lock:
            if self._type != SOCK_STREAM or self._st in (_c.CLOSED, _c.LISTEN, _c.NEW):
                return  # listeners survive: lwIP moves them to the new address
            self._f |= _sc.DEAD
            self._st = _c.FAILED
        _c.net().abort(self._s)  # wakes a thread blocked in recv/send on it

    # Binding, listening, accepting, connecting and the local address a socket
    # leaves from: shim/_lib/sockconn.py (its functions are these methods).
    bind, listen, accept, connect = _c.bind, _c.listen, _c.accept, _c.connect

    # Data calls. Every function a blocked call waits in keeps its frame on
    # the C stack (small: at most two parameters beside a `with`), so an
    # idle connection's thread holds no heap for it (tests/test_heap.py).
    def send(self, buf):
        if self._f & WAITS:
            return _sw.g_write(self, buf)
        with self._g:
            return self._s.send(buf)

    def sendall(self, buf):
        if self._f & WAITS:
            return _sw.g_sendall(self, buf)
        with self._g:
            self._s.sendall(buf)

    def sendto(self, buf, address):
        n = _c.net()
        d = self._out
        if d is None or d.gen != n.gen or not (d.address is address or _sc.same(d.address, address)):
            d = _c._dest(self, address)
            if self._type != SOCK_STREAM:
                self._out = d
        ip = self._ip
        if ip is None or ip in _modem.gone:
            _c._route_from(self)
        if not self._f & _sc.BOUND and (n.default_src or _board.get().own):
            _c._leave_from_default_nic(self)
        return d.send(buf)

    def _recv(self, size):
        if self._f & WAITS:
            return _sw.g_recv(self, size)
        with self._g:
            return self._s.recv(size)

    def recv(self, size):
        size = _a.bufsize(size)
        if not size and self._type == SOCK_STREAM:
            return b""  # not asked of the board, whose lwIP reads a 0-byte recv as the peer's FIN
        data = self._recv(size)
        if data or self._type != SOCK_STREAM or not size:
            return data
        return self._eof()

    def _eof(self):
        f = self._f
        if f & _sc.DEAD:
            raise _err(103)
        if f & _sc.RST:
            raise self._fix(None)
        # The peer closed: QuecPython raises instead of returning b''.
        with _limits.lock:
            if self._st != _c.CLOSED:
                self._st = _c.EOF
        raise _err(107)

    def _recvfrom(self, size):
        if self._f & WAITS:
            return _sw.g_recvfrom(self, size)
        with self._g:
            return self._s.recvfrom(size)

    def recvfrom(self, size):
        size = _a.bufsize(size)
        r = self._recvfrom(size)
        raw = r[1]
        if not raw:  # a stream socket: the kernel names no sender
            return r[0], self._g.peer
        c = self._in
        n = _c.net()
        if c is None or c[0] != raw or c[2] != n.gen:
            c = (raw, n.view(raw), n.gen)
            if self._type != SOCK_STREAM:
                self._in = c
        return r[0], c[1]

    # The stream calls: a timed socket on a port whose native timeouts
    # restart waits in shim/_lib/sockcalls.py, every other goes straight to
    # the native call. A falsy result is looked at once, in _done.
    def read(self, size=None):
        size = _a.readsize(size)
        r = self._read(size) if not self._f & WAITS else _sw.g_read(self, size)
        return r if r else _done(self, r)

    def _read(self, size):
        with self._g:
            return self._s.read() if size is None else self._s.read(size)

    def readinto(self, buf, nbytes=None):
        if nbytes is not None and 0 <= nbytes < len(buf):
            # at most nbytes, as the native call reads them (a negative or
            # larger count is the whole buffer); a view, not a third
            # parameter beside the `with` below (see Guard)
            buf = memoryview(buf)[:nbytes]
        r = self._readinto(buf) if not self._f & WAITS else _sw.g_readinto(self, buf)
        return r if r else _done(self, r)

    def _readinto(self, buf):
        with self._g:
            return self._s.readinto(buf)

    def readline(self):
        r = self._readline() if not self._f & WAITS else _sw.g_readline(self)
        return r if r else _done(self, r)

    def _readline(self):
        with self._g:
            return self._s.readline()

    def write(self, buf):
        r = self._write(buf) if not self._f & WAITS else _sw.g_write(self, buf)
        return r if r else _done(self, r)

    def _write(self, buf):
        with self._g:
            return self._s.write(buf)

    def makefile(self, mode="rb", *args):
        return self  # as on the module: the socket is its own stream

    def settimeout(self, timeout):
        timeout = _a.timeout(timeout)
        with self._g:
            self._s.settimeout(timeout)  # blocking again, if the waits had made it non-blocking
        ms = None if timeout is None else ((int(timeout * 1000) or 1) if timeout else 0)
        # Timed calls wait in Python where the native timeouts restart; a
        # modem driver's sockets keep their own waits.
        waits = WAITS if ms and _board.get().waits else 0
        if waits and _sw is None:
            _load_waits()
        with _limits.lock:
            self._to = ms
            self._f = (self._f & ~(WAITS | _sc.NB)) | waits

    def setblocking(self, flag):
        self.settimeout(None if flag else 0)

    def setsockopt(self, level, optname, value):
        # QuecPython ignores `level` and dispatches on the option alone.
        if optname == SO_REUSEADDR:
            _c.net().reuseaddr(self._s, 1 if value else 0)
        elif optname == TCP_KEEPALIVE:
            if not 0 <= _a.integer(value, "TCP_KEEPALIVE value") <= 120:
                raise ValueError("TCP_KEEPALIVE is in minutes, 1-120 (0 turns it off)")
            if self._type == SOCK_STREAM:
                _c.net().keepalive(self._s, value)
        else:
            print("Warning: lwip.setsockopt() option not implemented")

    def getsocketsta(self):
        st = self._st
        if self._type != SOCK_STREAM:
            return -1 if st == _c.CLOSED else 0
        if st == _c.CONNECTING:
            st = _c._settle(self)
        if st == _c.CONNECTED:
            return _c.net().tcp_state(self._s)
        return 0 if st == _c.FAILED else st

    def fileno(self):
        return self._s.fileno()

    def close(self):
        with _limits.lock:
            if self._st == _c.CLOSED:
                return
            self._st = _c.CLOSED
            _limits.live.discard(self)
            key = _c.keys.pop(self, None)
        if key:
            _c.net().release(key)
        self._s.close()

    def __repr__(self):
        return "<usocket.socket fd=%d state=%d>" % (self._s.fileno(), self.getsocketsta())


_c.socket = socket  # the class accept() makes its connections of


def getaddrinfo(host, port, *_ignored):
    port = _a.service(port)
    ip = _c.net().resolve(_a.name(host))
    return [(AF_INET6 if ":" in ip else AF_INET, SOCK_STREAM, 0, host, (ip, port))]
