# Stand-in for the ESP32's `socket` module on the unix port: what the board's
# sockets do that the unix port's don't. Addresses are (ip, port) tuples in
# and out, recv() takes no flags, getaddrinfo() returns tuples, a timed-out
# read raises ETIMEDOUT, and option numbers are lwIP's. Underneath are the
# unix port's own sockets (imported here before this module replaces them).
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
_F4 = b"\x02\x00" if sys.byteorder == "little" else b"\x00\x02"
# lwIP option -> Linux option
_OPTS = {(0xFFF, 4): (1, 2), (0xFFF, 8): (1, 9), (6, 3): (6, 4), (6, 4): (6, 5), (6, 5): (6, 6)}
seen = []  # the address objects passed in, for tests to inspect


def _raw(a):
    seen.append(a)
    if not isinstance(a, (tuple, list)) or len(a) != 2:
        raise TypeError("address must be a (host, port) tuple")
    ip = getaddrinfo(a[0], a[1])[0][-1][0]
    return _F4 + a[1].to_bytes(2, "big") + _u.inet_pton(2, ip) + bytes(8)


def _tuple(raw):
    return (_u.inet_ntop(2, bytes(raw[4:8])), (raw[2] << 8) | raw[3])


class socket(io.IOBase):
    def __init__(self, af=AF_INET, type=SOCK_STREAM, proto=0, _n=None):
        self._n = _n if _n is not None else _u.socket(af, type, proto)
        self._to = None

    def _err(self, e):
        if e.errno == 11 and self._to:
            return OSError(110)
        return e

    def bind(self, a):
        self._n.bind(_raw(a))

    def listen(self, n=0):
        self._n.listen(n)

    def accept(self):
        try:
            s, raw = self._n.accept()
        except OSError as e:
            raise self._err(e)
        return socket(_n=s), _tuple(raw)

    def connect(self, a):
        self._n.connect(_raw(a))

    def send(self, b):
        try:
            return self._n.send(b)
        except OSError as e:
            raise self._err(e)

    def sendall(self, b):
        self._n.sendall(b)

    def sendto(self, b, a):
        return self._n.sendto(b, _raw(a))

    def recv(self, n):
        try:
            return self._n.recv(n)
        except OSError as e:
            raise self._err(e)

    def recvfrom(self, n):
        try:
            d, raw = self._n.recvfrom(n)
        except OSError as e:
            raise self._err(e)
        return d, _tuple(raw)

    def read(self, n=None):
        return self._n.read() if n is None else self._n.read(n)

    def readinto(self, b, n=None):
        return self._n.readinto(b) if n is None else self._n.readinto(b, n)

    def readline(self):
        return self._n.readline()

    def write(self, b):
        return self._n.write(b)

    def setsockopt(self, level, opt, value):
        level, opt = _OPTS.get((level, opt), (level, opt))
        self._n.setsockopt(level, opt, value)

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


def getaddrinfo(host, port, *a):
    if host in ("localhost", ""):
        ip = "127.0.0.1" if host else "0.0.0.0"
    else:
        try:
            _u.inet_pton(2, host)
            ip = host
        except OSError:
            raise OSError(-202)  # the stand-in's DNS knows no other name
    return [(AF_INET, SOCK_STREAM, IPPROTO_TCP, "", (ip, port))]
