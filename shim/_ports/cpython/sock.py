# The host's sockets with MicroPython's semantics: OSError(errno) with the
# errno's name, str accepted as data, the stream methods (read waits for n
# bytes as MicroPython's does), and the port's socket plumbing (addresses,
# options, state, abort, readiness).
import errno as _errno
import socket as _s


def oserror(n):
    return OSError(n, _errno.errorcode.get(n, str(n)))


def _translate(e):
    if isinstance(e, _s.timeout):
        return oserror(110)
    if isinstance(e, _s.gaierror):
        return oserror(-202)
    if isinstance(e, OSError) and e.errno is not None:
        return oserror(e.errno)
    return e


def _buf(data):
    return data.encode() if isinstance(data, str) else data


class socket:
    """A host socket that behaves like MicroPython's native socket."""

    def __init__(self, af=2, type=1, proto=0, _k=None):
        self._k = _k if _k is not None else _s.socket(af, type, proto)

    def _do(self, fn, *args):
        try:
            return fn(*args)
        except OSError as e:
            raise _translate(e) from None

    def bind(self, a):
        self._do(self._k.bind, a)

    def listen(self, n=0):
        self._do(self._k.listen, n)

    def accept(self):
        k, a = self._do(self._k.accept)
        return socket(_k=k), a

    def connect(self, a):
        self._do(self._k.connect, a)

    def send(self, data):
        return self._do(self._k.send, _buf(data))

    def sendall(self, data):
        self._do(self._k.sendall, _buf(data))

    def sendto(self, data, a):
        return self._do(self._k.sendto, _buf(data), a)

    def recv(self, n, flags=0):
        return self._do(self._k.recv, n, flags)

    def recvfrom(self, n):
        return self._do(self._k.recvfrom, n)

    def write(self, data):
        data = _buf(data)
        self._do(self._k.sendall, data)
        return len(data)

    def read(self, n=None):
        # MicroPython's stream read waits for n bytes (or the end), unlike recv.
        if n is not None and n < 0:
            n = None  # read(-1) reads to the end, as MicroPython's stream read
        out = bytearray()
        while n is None or len(out) < n:
            d = self._do(self._k.recv, 4096 if n is None else n - len(out))
            if not d:
                break
            out += d
        return bytes(out)

    def readinto(self, buf, n=None):
        view = memoryview(buf)[: n if n is not None and 0 <= n < len(buf) else len(buf)]
        got = 0
        while got < len(view):
            k = self._do(self._k.recv_into, view[got:])
            if not k:
                break
            got += k
        return got

    def readline(self):
        out = bytearray()
        while not out.endswith(b"\n"):
            d = self._do(self._k.recv, 1)
            if not d:
                break
            out += d
        return bytes(out)

    def setsockopt(self, level, opt, value):
        self._do(self._k.setsockopt, level, opt, value)

    def settimeout(self, t):
        self._k.settimeout(t)

    def setblocking(self, flag):
        self._k.setblocking(flag)

    def fileno(self):
        return self._k.fileno()

    def close(self):
        self._k.close()


def pack(ip, port):
    return (ip, port, 0, 0) if ":" in ip else (ip, port)


def unpack(addr):
    return addr[0], addr[1]


def inet_pton(af, ip):
    try:
        return _s.inet_pton(af, ip)
    except (OSError, ValueError, TypeError):
        raise oserror(22) from None


def setsockopt_reuseaddr(sock, on):
    sock.setsockopt(_s.SOL_SOCKET, _s.SO_REUSEADDR, on)


def setsockopt_keepalive(sock, minutes):
    sock.setsockopt(_s.SOL_SOCKET, _s.SO_KEEPALIVE, 1 if minutes else 0)
    if minutes:
        sock.setsockopt(_s.IPPROTO_TCP, _s.TCP_KEEPIDLE, minutes * 60)
        sock.setsockopt(_s.IPPROTO_TCP, _s.TCP_KEEPINTVL, 25)
        sock.setsockopt(_s.IPPROTO_TCP, _s.TCP_KEEPCNT, 3)


def tcp_state(sock):
    import select

    k = sock._k
    if type(k).__name__ == "SSLSocket":
        return 4 if k.fileno() >= 0 else 0  # TLS can't be peeked without taking a record
    try:
        if not select.select([k], [], [], 0)[0]:
            return 4
        if k.recv(1, _s.MSG_PEEK | _s.MSG_DONTWAIT) != b"":
            return 4
    except BlockingIOError:
        return 4
    except OSError:
        return 0
    try:
        k.send(b"")  # after a FIN we may still send; after a reset we may not
        return 7
    except OSError:
        return 0


def abort(sock):
    # Wakes a thread blocked in recv or send on it, which close() won't.
    try:
        sock._k.shutdown(_s.SHUT_RDWR)
    except OSError:
        pass


def readable(s, ms):
    """Whether a read on native socket (or TLS socket) s would find data
    within ms; the socket's blocking mode is left alone."""
    import select

    k = getattr(s, "_k", None) or getattr(s, "_s", None) or s
    if hasattr(k, "pending") and k.pending():
        return True  # TLS: a record already decrypted
    return bool(select.select([k], [], [], ms / 1000)[0])
