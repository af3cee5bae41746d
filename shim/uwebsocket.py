# QuecPython uwebsocket: a WebSocket client (RFC 6455) over the shim's
# usocket, and ussl for wss://, so the board's name and endpoint maps apply.
# The module's client descends from danni/uwebsockets (its stub keeps that
# code's docstrings): recv() gives str for a text message, bytes for a binary
# one, '' when the stream ends and None once the connection is closed; it
# answers pings itself. Here the handshake's Sec-WebSocket-Accept is checked,
# fragmented messages are put back together and a close from the server is
# answered, as the RFC asks.
import os
import binascii
import hashlib
import ustruct
import usocket
import _thread
from shim._ports import port as _p

__all__ = ("CLOSE_OK", "Websocket", "WebsocketClient", "Client")

CLOSE_OK = 1000
# The largest message recv() takes (1 MiB): a frame or a fragmented message
# claiming more is refused with close 1009 (RFC 6455 7.4.1, "message too
# big") before its payload is read, so a bogus 64-bit length cannot ask the
# heap for more than it has. On the module the heap runs out first.
MAX_SIZE = 1 << 20
# The handshake's response header: at most _LINES lines of _LINE bytes each,
# so a peer that never ends it cannot hold connect() or fill the heap.
_LINES = 64
_LINE = 1024
_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def _xor(buf, start, mask):
    # RFC 6455 5.3 masking, in place from buf[start]: no copies, no big ints.
    m0, m1, m2, m3 = mask
    n = len(buf)
    i = start
    end = start + ((n - start) & ~3)
    while i < end:
        buf[i] ^= m0
        buf[i + 1] ^= m1
        buf[i + 2] ^= m2
        buf[i + 3] ^= m3
        i += 4
    k = 0
    while i < n:
        buf[i] ^= mask[k]
        i += 1
        k += 1


class Websocket:
    """One connection: whole frames written under a lock (a thread sending
    while another waits in recv() never interleaves bytes), read by one
    thread at a time."""

    is_client = False

    def __init__(self, sock, debug=False):
        self.sock = sock
        self.open = True
        self.debug = debug
        self._wlock = _thread.allocate_lock()
        self._rlock = _thread.allocate_lock()

    def _log(self, *a):
        if self.debug:
            print("[uwebsocket]", *a)

    def _write(self, op, data=b""):
        # Header, mask and payload go out in one buffer and one write: the
        # payload is copied once and masked in place (the caller's buffer is
        # left alone), and two small writes would meet the peer's delayed ACK.
        n = len(data)
        m = 0x80 if self.is_client else 0
        if n < 126:
            head = ustruct.pack("!BB", 0x80 | op, n | m)
        elif n < 65536:
            head = ustruct.pack("!BBH", 0x80 | op, 126 | m, n)
        else:
            head = ustruct.pack("!BBQ", 0x80 | op, 127 | m, n)
        h = len(head) + (4 if m else 0)
        buf = bytearray(h + n)
        buf[:len(head)] = head
        buf[h:] = data
        if m:  # a client masks every frame (RFC 6455 5.3)
            mask = os.urandom(4)
            buf[h - 4:h] = mask
            _xor(buf, h, mask)
        with self._wlock:
            self.sock.write(buf)

    def _read(self, n):
        d = self.sock.read(n) if n else b""
        if d and len(d) < n:
            # One read returns at most usocket's per-call cap (64 KiB, as the
            # module's recv): a larger frame comes in several.
            b = bytearray(d)
            while len(b) < n:
                more = self.sock.read(n - len(b))
                if not more:
                    break
                b += more
            d = bytes(b)
        if d is None or len(d) < n:
            raise EOFError  # the stream ended inside a frame
        return d

    def _frame(self, have):
        # -> (fin, opcode, payload), or None when a data frame
        # would take the message (`have` bytes so far) past MAX_SIZE: the
        # length is checked before anything is allocated for it.
        b1, b2 = self._read(2)
        n = b2 & 0x7F
        if n == 126:
            n = ustruct.unpack("!H", self._read(2))[0]
        elif n == 127:
            n = ustruct.unpack("!Q", self._read(8))[0]
        if n > MAX_SIZE - (0 if b1 & 0x08 else have):
            return None
        if not b2 & 0x80:
            # What servers send (RFC 6455 5.1): read as the bytes recv()
            # returns, one allocation and no copy after it.
            return b1 & 0x80, b1 & 0x0F, self._read(n)
        # Masked, which servers must not do; still read right, into one
        # bytearray unmasked in place.
        mask = self._read(4)
        data = bytearray(n)
        if n and self.sock.readinto(data) != n:
            raise EOFError  # the stream ended inside a frame
        _xor(data, 0, mask)
        return b1 & 0x80, b1 & 0x0F, data

    def recv(self):
        """Receive data from the websocket."""
        with self._rlock:
            return self._recv()

    def _recv(self):
        op = 0  # the opcode of a fragmented message being put together
        msg = None  # its bytes so far
        while self.open:
            try:
                f = self._frame(len(msg) if msg else 0)
                if f is None:
                    self._log("message over", MAX_SIZE, "bytes")
                    self._fail(1009)  # RFC 6455 7.4.1: too big to process
                    return None
                fin, fop, data = f
            except EOFError:
                self._log("connection ended")
                self._shut()
                return ""
            except MemoryError:
                msg = data = None
                self._fail(1009)  # too big for this board's heap
                return None
            except OSError:
                if not self.open:
                    return None  # close() from another thread
                raise
            if fop == 9:
                self._log("ping -> pong")
                self._write(10, data)
                continue
            if fop == 10:
                continue
            if fop == 8:
                self._log("close from server", bytes(data[:2]))
                try:
                    self._write(8, data[:2])
                except OSError:
                    pass
                self._shut()
                return None
            if fop == 0 and msg is not None:
                msg += data  # the bytearray grows in place
            elif fop in (1, 2) and msg is None:
                op, msg = fop, (data if fin else bytearray(data))
            else:
                self._fail(1002)  # an unknown opcode, or fragments out of order
                return None
            if not fin:
                continue
            if op == 2:
                return msg if type(msg) is bytes else bytes(msg)
            try:
                return str(msg, "utf-8")
            except UnicodeError:
                self._fail(1007)
                return None
        return None

    def send(self, buf):
        """Send data to the websocket: str as a text message, bytes as binary."""
        if isinstance(buf, str):
            op, buf = 1, buf.encode()
        elif isinstance(buf, (bytes, bytearray, memoryview)):
            op = 2
        else:
            raise TypeError("send() takes str or bytes")
        if not self.open:
            raise _p.oserror(9)
        self._write(op, buf)

    def close(self, code=CLOSE_OK, reason=""):
        """Close the websocket."""
        if not self.open:
            return
        try:
            self._write(8, ustruct.pack("!H", code) + reason.encode())
        except OSError:
            pass
        self._shut()

    def _fail(self, code):
        self._log("closing with", code)
        self.close(code)

    def _shut(self):
        if self.open:
            self.open = False
            self.sock.close()


class WebsocketClient(Websocket):
    is_client = True


def _split(url):
    if not isinstance(url, str):
        raise TypeError("url must be a str")
    scheme, sep, rest = url.partition("://")
    if not sep or scheme not in ("ws", "wss"):
        raise ValueError("invalid websocket url: %r" % (url,))
    host, _, path = rest.partition("/")
    port = 443 if scheme == "wss" else 80
    if host.startswith("["):
        h, _, p = host[1:].partition("]")
        host, p = h, p[1:]
    else:
        host, _, p = host.partition(":")
    if p:
        try:
            port = int(p)
        except ValueError:
            raise ValueError("invalid websocket url: %r" % (url,))
    if not host:
        raise ValueError("invalid websocket url: %r" % (url,))
    return scheme == "wss", host, port, "/" + path


def _line(sock):
    # One response line, read a byte at a time so no frame byte after the
    # header is taken; longer than _LINE without its newline is refused.
    out = bytearray()
    while len(out) < _LINE:
        c = sock.read(1)
        if not c:
            break
        out += c
        if c == b"\n":
            return bytes(out)
    if len(out) >= _LINE:
        raise OSError("WebSocket handshake failed: response line over %d bytes" % _LINE)
    return bytes(out)


def _handshake(sock, host, port, path, headers, debug):
    key = binascii.b2a_base64(os.urandom(16)).strip()
    name = ("[%s]:%d" if ":" in host else "%s:%d") % (host, port)  # RFC 3986 3.2.2
    lines = [b"GET %s HTTP/1.1" % path.encode(), b"Host: " + name.encode(),
             b"Upgrade: websocket", b"Connection: Upgrade", b"Sec-WebSocket-Key: " + key,
             b"Sec-WebSocket-Version: 13", b"Origin: http://" + name.encode()]
    for k, v in (headers or {}).items():
        lines.append(("%s: %s" % (k, v)).encode())
    req = b"\r\n".join(lines) + b"\r\n\r\n"
    if debug:
        print("[uwebsocket] >", req)
    sock.write(req)
    status = _line(sock)
    if debug:
        print("[uwebsocket] <", status)
    got = None
    for _ in range(_LINES):
        line = _line(sock)
        if not line or line in (b"\r\n", b"\n"):
            break
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"sec-websocket-accept":
            got = v.strip()
    else:
        raise OSError("WebSocket handshake failed: response header over %d lines" % _LINES)
    if status.split(b" ", 2)[1:2] != [b"101"]:
        raise OSError("WebSocket handshake failed: %s" % status.strip().decode())
    want = binascii.b2a_base64(hashlib.sha1(key + _GUID).digest()).strip()
    if got != want:
        raise OSError("WebSocket handshake failed: Sec-WebSocket-Accept %r, expected %r" % (got, want))


class Client:
    @classmethod
    def connect(cls, url, headers=None, debug=False):
        tls, host, port, path = _split(url)
        ai = usocket.getaddrinfo(host, port)[0]
        # The address's own family: an IPv6 literal or name needs AF_INET6.
        raw = sock = usocket.socket(ai[0], usocket.SOCK_STREAM)
        try:
            raw.connect(ai[-1])
            if tls:
                import ussl

                sock = ussl.wrap_socket(raw, server_hostname=host)
            _handshake(sock, host, port, path, headers, debug)
        except BaseException:
            sock.close()
            if sock is not raw:
                raw.close()
            raise
        return WebsocketClient(sock, debug)
