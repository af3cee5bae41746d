# Stand-in for the ESP32's `socket` module on the unix port: the board's
# sockets as MicroPython's ports/esp32/modsocket.c makes them (the v1.2x code
# with the select()-emulated connect), over the unix port's own sockets
# (imported here before this module replaces them).
#
# Errors carry ESP-IDF newlib's numbers (newlib/libc/include/sys/errno.h), as
# the board's do: the port builds with MICROPY_USE_INTERNAL_ERRNO 0, so
# modsocket.c's MP_ETIMEDOUT is newlib's ETIMEDOUT (116) and lwIP's errno is
# newlib's too. Each place below that raises names the modsocket.c function
# (and lwIP's api) it follows. `raised` records every errno the stand-in
# raised, for tests to compare with what the app saw.
#
# What else is the board's: addresses are (ip, port) tuples in and out,
# recv() takes no flags (the stubs' form), getaddrinfo() returns tuples,
# setsockopt() switches on the option number alone (modsocket.c's
# socket_setsockopt), listen()'s backlog defaults to 2.
import io
import sys
import socket as _u

AF_INET = 2
AF_INET6 = 10
SOCK_STREAM = 1
SOCK_DGRAM = 2
SOCK_RAW = 3
IPPROTO_IP = 0
IPPROTO_TCP = 6
IPPROTO_UDP = 17
SOL_SOCKET = 0xFFF
SO_REUSEADDR = 0x0004
SO_BROADCAST = 0x0020
SO_BINDTODEVICE = 0x100B
TCP_NODELAY = 0x01
IP_ADD_MEMBERSHIP = 3
MSG_PEEK = 0x01
MSG_DONTWAIT = 0x08

# newlib's numbers (sys/errno.h)
EAGAIN = 11
ECONNRESET = 104
EADDRINUSE = 112
ETIMEDOUT = 116
EINPROGRESS = 119
EALREADY = 120
EISCONN = 127
ENOTCONN = 128
# What lwIP reports for what Linux reports (lwIP's err_to_errno over the
# newlib numbers); the ones not listed are the same number on both.
_LWIP = {98: EADDRINUSE, 103: 113, 106: EISCONN, 107: ENOTCONN, 110: ETIMEDOUT, 113: 118,
         114: EALREADY, 115: EINPROGRESS, 97: 106, 99: 125, 90: 122, 92: 109}

_F4 = b"\x02\x00" if sys.byteorder == "little" else b"\x00\x02"
_NEW, _CONNECTED, _PEER_CLOSED = 0, 1, 2  # modsocket.c's SOCKET_STATE_*
seen = []  # the address objects passed in, for tests to inspect
raised = []  # (call, errno) of every OSError the stand-in raised
fail = {}  # call -> a newlib errno the next such call raises (a test's stand-in for lwIP's
# errors loopback cannot produce: EHOSTUNREACH, ECONNABORTED, ...)


def _raw(a):
    seen.append(a)
    if not isinstance(a, (tuple, list)) or len(a) != 2:
        raise TypeError("address must be a (host, port) tuple")
    ip = getaddrinfo(a[0], a[1])[0][-1][0]
    return _F4 + a[1].to_bytes(2, "big") + _u.inet_pton(2, ip) + bytes(8)


def _tuple(raw):
    return (_u.inet_ntop(2, bytes(raw[4:8])), (raw[2] << 8) | raw[3])


def _raise(call, n):
    raised.append((call, n))
    raise OSError(n)


def _injected(call):
    n = fail.pop(call, None)
    if n is not None:
        _raise(call, n)


class socket(io.IOBase):
    def __init__(self, af=AF_INET, type=SOCK_STREAM, proto=0, _n=None):
        # socket_make_new: proto 0 when not given (lwip_socket's default)
        self._n = _n if _n is not None else _u.socket(af, type, proto)
        self._to = None
        self._type = type
        # socket_make_new: a stream socket starts NEW, a datagram one CONNECTED
        self._st = _CONNECTED if _n is not None or type != SOCK_STREAM else _NEW
        self._reset = False  # lwIP reported the peer's RST once (pending_err)

    # -- errors ----------------------------------------------------------------
    def _timedout(self, call):
        # _socket_read_data / socket_accept / _socket_send: after the retries,
        # `retries == 0 ? MP_EWOULDBLOCK : MP_ETIMEDOUT`
        _raise(call, ETIMEDOUT if self._to else EAGAIN)

    def _lwip(self, call, e):
        n = e.errno
        if n == 11:  # the unix port's EAGAIN: a timeout ran out, or nothing was ready
            self._timedout(call)
        if n in (32, 104):
            # lwIP after the peer's RST: the first call returns the pending
            # ERR_RST (ECONNRESET), later ones ERR_CONN (ENOTCONN); Linux's
            # EPIPE is an errno lwIP never sets (api/err.c has none).
            n = ENOTCONN if self._reset or self._st == _NEW else ECONNRESET
            self._reset = True
        _raise(call, _LWIP.get(n, n))

    # -- the calls ---------------------------------------------------------------
    def bind(self, a):
        r = _raw(a)
        self._st = _CONNECTED  # socket_bind sets it before lwip_bind
        try:
            self._n.bind(r)
        except OSError as e:
            self._lwip("bind", e)  # lwip_bind: ERR_USE -> EADDRINUSE (112)

    def listen(self, backlog=2):
        # MICROPY_PY_SOCKET_LISTEN_BACKLOG_DEFAULT: min(SOMAXCONN, 2)
        self._st = _CONNECTED
        self._n.listen(max(backlog, 0))

    def accept(self):
        _injected("accept")
        try:
            s, raw = self._n.accept()
        except OSError as e:
            self._lwip("accept", e)  # socket_accept: 11 non-blocking, 116 after the retries
        return socket(_n=s), _tuple(raw)

    def connect(self, a):
        _injected("connect")
        r = _raw(a)
        self._st = _CONNECTED  # socket_connect sets it before lwip_connect
        try:
            self._n.connect(r)
        except OSError as e:
            n = e.errno
            if n == 111:
                # lwIP answers a SYN's RST with ERR_RST: select() sees the socket
                # writable and getsockopt(SO_ERROR) gives ECONNRESET (socket_connect).
                _raise("connect", ECONNRESET)
            if n in (115, 11) and self._to:
                _raise("connect", ETIMEDOUT)  # socket_connect's select loop ran out
            if n == 106:
                _raise("connect", EISCONN)  # lwIP: ERR_ISCONN
            self._lwip("connect", e)  # non-blocking: lwip_connect's EINPROGRESS (119)

    def send(self, b):
        _injected("send")
        try:
            return self._n.send(b)
        except OSError as e:
            self._lwip("send", e)  # _socket_send: 11 / 116 when nothing went

    def sendall(self, b):
        try:
            self._n.sendall(b)
        except OSError as e:
            self._lwip("sendall", e)

    def sendto(self, b, a):
        try:
            return self._n.sendto(b, _raw(a))
        except OSError as e:
            if e.errno == 11:
                _raise("sendto", ETIMEDOUT)  # socket_sendto: MP_ETIMEDOUT, blocking or not
            self._lwip("sendto", e)

    def _read(self, call, f, *a):
        # _socket_read_data: a NEW stream socket reads nothing (MP_ENOTCONN);
        # after the peer closed, 0 bytes for ever
        if self._st == _NEW:
            _raise(call, ENOTCONN)
        if self._st == _PEER_CLOSED:
            return 0 if call == "readinto" else b""
        try:
            r = f(*a)
        except OSError as e:
            self._lwip(call, e)
        if self._type == SOCK_STREAM and (r == b"" or r == 0):
            # lwip_recvfrom returned 0 (even for a 0-byte read): modsocket.c
            # takes it as the peer's close from then on
            self._st = _PEER_CLOSED
        return r  # None: a non-blocking stream read found nothing (mp_stream's EAGAIN)

    def recv(self, n):
        _injected("recv")
        return self._read("recv", self._n.recv, n)

    def recvfrom(self, n):
        if self._st == _PEER_CLOSED:
            return b"", ("0.0.0.0", 0)
        d, raw = self._read("recvfrom", self._n.recvfrom, n)
        return d, _tuple(raw)

    def read(self, n=None):
        return self._read("read", self._n.read) if n is None else self._read("read", self._n.read, n)

    def readinto(self, b, n=None):
        if n is None:
            return self._read("readinto", self._n.readinto, b)
        return self._read("readinto", self._n.readinto, b, n)

    def readline(self):
        return self._read("readline", self._n.readline)

    def write(self, b):
        try:
            return self._n.write(b)
        except OSError as e:
            self._lwip("write", e)  # socket_stream_write: as _socket_send

    def setsockopt(self, level, opt, value):
        # socket_setsockopt switches on the option number alone, whatever the level.
        if opt in (SO_REUSEADDR, SO_BROADCAST):
            self._n.setsockopt(1, 2 if opt == SO_REUSEADDR else 6, value)
        elif opt == TCP_NODELAY:
            self._n.setsockopt(6, 1, value)
        elif opt == IP_ADD_MEMBERSHIP:
            # mp_get_buffer_raise on the value: an int is refused
            if not isinstance(value, (bytes, bytearray, memoryview)):
                raise TypeError("object with buffer protocol required")
            _raise("setsockopt", 22)  # no multicast on the stand-in's loopback (EINVAL)
        elif opt == SO_BINDTODEVICE:
            pass  # one interface: nothing to pick
        else:
            print("Warning: lwip.setsockopt() option not implemented")

    def settimeout(self, t):
        self._to = t
        self._n.settimeout(t)

    def setblocking(self, flag):
        self.settimeout(None if flag else 0)

    def makefile(self, *a):
        return self

    def fileno(self):
        return self._n.fileno()

    def ioctl(self, req, arg):
        if req == 10:  # MP_STREAM_GET_FILENO: poll the real descriptor
            return self._n.fileno()
        return -1

    def close(self):
        self._n.close()


def getaddrinfo(host, port, af=0, type=0, proto=0, flags=0):
    # _getaddrinfo_inner: lwIP's EAI_FAIL (202) for a name DNS cannot resolve,
    # raised negative
    if host in ("localhost", ""):
        ip = "127.0.0.1" if host else "0.0.0.0"
    else:
        try:
            _u.inet_pton(2, host)
            ip = host
        except OSError:
            raise OSError(-202)  # the stand-in's DNS knows no other name
    # lwip_getaddrinfo copies the name asked for into ai_canonname ("" was made "0.0.0.0")
    return [(AF_INET, type or SOCK_STREAM, proto, host or "0.0.0.0", (ip, port))]
