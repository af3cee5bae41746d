# The shim changes bench/README.md proposes, applied over shim/usocket.py at
# run time so their effect can be measured (`bench/run.py --proposal`) before
# anyone edits the shim. Written against shim/ at commits f692b96..e680a70;
# the error paths call the shim's own _fix, so only the success paths differ.
#
# P1  No `except OSError as e` in a method that does the native call. On this
#     MicroPython (no PYSTACK) a frame larger than 11 words goes on the GC heap,
#     and `as e` alone adds a hidden try/finally that tips every such method
#     over: 160-200 bytes allocated and freed per call. That freed block pins
#     the allocator's first-fit start, so every other allocation in the call
#     then scans the heap's garbage (py/gc.c gc_alloc): 5-30 us per call once
#     the heap has been collected once. A bare `except OSError:` plus
#     sys.exc_info() in a helper keeps the frame on the C stack.
# P2  sendto/recvfrom remember the last address they translated: the desktop
#     board's route() packs a sockaddr (five bytes objects, 320 bytes) and
#     view() unpacks one on every datagram. The cache is dropped whenever a
#     remapped bind comes or goes (the only thing that changes the answer).
# P3  Lighter connection set-up: attributes that start at a constant live on
#     the class, so a new socket's instance map holds _s and _st until
#     something changes (fewer reallocations, less heap per idle connection);
#     the constructor, connect and accept keep their frames on the C stack as
#     in P1; route() answers are cached per (ip, port, type).
# P4  Connected sockets that are not non-blocking call the native stream
#     methods directly: on this port readinto/read/readline/write on a socket
#     with a timeout already raise OSError(110) and other errors unchanged,
#     which is what QuecPython says. The instance holds the native bound
#     methods, so the hot path runs no Python at all. settimeout(0) and a
#     data-call abort take them away again (the wrappers then answer 11, 103).
import sys
from shim import usocket, _vnet, _modem, _limits, _firewall

_S = usocket.socket
_err = usocket._err
_STREAM = usocket.SOCK_STREAM
_gen = [0]  # bumped when _vnet's remapped binds change: cached translations are stale


def _reraise(sock):
    raise sock._fix(sys.exc_info()[1])


def _result(sock, n):
    if n is None:  # a non-blocking stream call says "would block" with None
        raise _err(110 if sock._to else 11)
    return n


def readinto(self, buf, nbytes=None):
    # Three parameters and a try are one word too many for the C stack: the
    # try lives in a two-parameter helper.
    return _readinto(self, buf) if nbytes is None else _readinto_n(self, buf, nbytes)


def _readinto(self, buf):
    try:
        return _result(self, self._s.readinto(buf))
    except OSError:
        _reraise(self)


def _readinto_n(self, buf, nbytes):
    try:
        return _result(self, self._s.readinto(buf, nbytes))
    except OSError:
        _reraise(self)


def write(self, buf):
    try:
        return _result(self, self._s.write(buf))
    except OSError:
        _reraise(self)


def send(self, buf):
    try:
        return self._s.send(buf)
    except OSError:
        _reraise(self)


def sendall(self, buf):
    try:
        self._s.sendall(buf)
    except OSError:
        _reraise(self)


def recv(self, size):
    if size < 0:
        raise ValueError("negative buffersize in recv")
    try:
        return _got(self, self._s.recv(size), size)
    except OSError:
        _reraise(self)


def _got(self, data, size):
    if data or self._type != _STREAM or not size:
        return data
    _eof(self)


def _eof(self):
    if self._dead:
        raise _err(103)
    with usocket._limits.lock:
        if self._st != -1:
            self._st = 7
    raise _err(107)


def sendto(self, buf, address):
    c = self._out
    if c is None or c[0] != address or c[2] != _gen[0] or _vnet.default_src:
        return _sendto_slow(self, buf, address)
    if _modem.gone:
        self._route_from()
    return _tx(self, buf)


def _tx(self, buf):
    try:
        return self._s.sendto(buf, self._out[1])
    except OSError:
        _reraise(self)


def _sendto_slow(self, buf, address):
    n = _ORIG_SENDTO(self, buf, address)
    host, port = address
    if not _vnet.default_src:
        self._out = (address, _vnet.route(host, port, self._type), _gen[0])
    return n


def recvfrom(self, size):
    if size < 0:
        raise ValueError("negative buffersize in recvfrom")
    try:
        return _sender(self, self._s.recvfrom(size))
    except OSError:
        _reraise(self)


def _sender(self, r):
    raw = r[1]
    if not raw:  # a stream socket: the kernel names no sender
        return r[0], self._peer
    c = self._in
    if c is None or c[0] != raw or c[2] != _gen[0]:
        c = self._in = (raw, _vnet.view(raw), _gen[0])
    return r[0], c[1]


_NEW, _CONNECTING, _CONNECTED, _FAILED, _CLOSED = 0, 2, 4, 100, -1
_AF, _TYPE, _PROTO = usocket.AF_INET, usocket.SOCK_STREAM, usocket.IPPROTO_TCP
_int = usocket._int
_routes = {}  # (ip, port, type) -> sockaddr
_routes_gen = [0]


def __init__(self, af=2, type=1, proto=6, *, _native=None):
    _int(af, "af")
    _int(type, "type")
    _int(proto, "proto")
    if _native is None:
        if af not in (2, 10) or type not in (1, 2, 3):
            raise _err(22)
        _native = usocket._p.socket(af, type)
        self._st = _NEW
    else:
        self._st = _CONNECTED
    self._s = _native
    _admit(self, _native)
    if af != 2:
        self._af = af
    if type != 1:
        self._type = type
    if proto != 6:
        self._proto = proto


def _admit(self, native):
    try:
        _limits.admit(self)
    except OSError:
        native.close()
        raise


def _route(ip, port, type):
    if _routes_gen[0] != _gen[0]:
        _routes.clear()
        _routes_gen[0] = _gen[0]
    key = (ip, port, type)
    raw = _routes.get(key)
    if raw is None:
        raw = _vnet.route(ip, port, type)  # raises for what the board can't reach: never cached
        if len(_routes) >= 64:
            _routes.clear()
        _routes[key] = raw
    return raw


def connect(self, address):
    if self._st == _CLOSED:
        raise _err(9)
    if self._type == _TYPE and self._st != _NEW:
        raise _err(114)
    host, port = usocket._address(address)
    ip = _vnet.resolve(host)
    if (":" in ip) != (self._af == 10):
        raise _err(22)
    raw = _route(ip, port, self._type)
    self._route_from()
    if _vnet.default_src and not self._bound:
        self._leave_from_default_nic()
    self._peer = (ip, port)
    self._st = _CONNECTING
    _connect(self, raw)
    self._st = _CONNECTED
    _fast(self)


def _connect(self, raw):
    try:
        self._s.connect(raw)
    except OSError:
        _connect_failed(self)


def _connect_failed(self):
    e = sys.exc_info()[1]
    if e.errno not in (115, 11):
        self._st = _FAILED
    raise self._fix(e)


def accept(self):
    if self._st == _CLOSED:
        raise _err(9)
    if self._type != _TYPE:
        raise _err(95)
    if self._st != 1:
        raise _err(22)
    while True:
        ns, raw = _accept(self)
        peer = _vnet.view(raw)
        if _firewall.admits(peer[0]):
            break
        ns.close()
        usocket._config.log("firewall: refused %s:%d (not in the board's firewall allowlist)" % peer)
    if self._to is not None:
        ns.settimeout(None)
    return _accepted(self, ns, peer)


def _accepted(self, ns, peer):
    conn = _S(self._af, self._type, self._proto, _native=ns)
    conn._peer = peer
    if self._ip is not None:
        conn._ip = self._ip
    _fast(conn)
    return conn, peer[0], peer[1]


def _accept(self):
    try:
        return self._s.accept()
    except OSError:
        _accept_failed(self)


def _accept_failed(self):
    e = sys.exc_info()[1]
    if e.errno == 11 and self._to:
        raise _err(110)
    raise e


_FAST = ("readinto", "read", "readline", "write")


def _fast(self):
    if self._to != 0:
        s = self._s
        self.readinto, self.read, self.readline, self.write = s.readinto, s.read, s.readline, s.write


def _slow(self):
    for name in _FAST:
        try:
            delattr(self, name)
        except AttributeError:
            pass  # not bound: the class's wrapper answers already


def settimeout(self, timeout):
    _ORIG_SETTIMEOUT(self, timeout)
    if timeout == 0:
        _slow(self)
    elif self._st == _CONNECTED and not self._dead:
        _fast(self)


def _abort(self):
    _slow(self)
    _ORIG_ABORT(self)


def _bumping(f):
    def g(*a):
        _gen[0] += 1
        return f(*a)
    return g


_ORIG_SENDTO = _S.sendto
_ORIG_SETTIMEOUT = _S.settimeout
_ORIG_ABORT = _S._abort
_S._out = None  # (address, sockaddr, generation) of the last sendto
_S._in = None  # (sockaddr, (ip, port), generation) of the last recvfrom
_vnet.bind = _bumping(_vnet.bind)
_vnet.release = _bumping(_vnet.release)
for _name, _v in (("_ip", None), ("_dead", False), ("_to", None), ("_key", None), ("_bound", False),
                  ("_peer", None), ("_af", _AF), ("_type", _TYPE), ("_proto", _PROTO)):
    setattr(_S, _name, _v)
for _name, _f in (("readinto", readinto), ("write", write), ("send", send), ("sendall", sendall),
                  ("recv", recv), ("sendto", sendto), ("recvfrom", recvfrom), ("__init__", __init__),
                  ("connect", connect), ("accept", accept), ("settimeout", settimeout), ("_abort", _abort)):
    setattr(_S, _name, _f)
