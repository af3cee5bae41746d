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
from shim._port import port as _p

__all__ = ("CLOSE_OK", "Websocket", "WebsocketClient", "Client")

CLOSE_OK = 1000
_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


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
        n = len(data)
        if n < 126:
            head = ustruct.pack("!BB", 0x80 | op, n | (0x80 if self.is_client else 0))
        elif n < 65536:
            head = ustruct.pack("!BBH", 0x80 | op, 126 | (0x80 if self.is_client else 0), n)
        else:
            head = ustruct.pack("!BBQ", 0x80 | op, 127 | (0x80 if self.is_client else 0), n)
        if self.is_client:  # a client masks every frame (RFC 6455 5.3)
            mask = os.urandom(4)
            head += mask
            if n:
                k = (mask * (n // 4 + 1))[:n]
                data = (int.from_bytes(data, "big") ^ int.from_bytes(k, "big")).to_bytes(n, "big")
        with self._wlock:
            self.sock.write(head)
            if n:
                self.sock.write(data)

    def _read(self, n):
        d = self.sock.read(n) if n else b""
        if d is None or len(d) < n:
            raise EOFError  # the stream ended inside a frame
        return d

    def _frame(self):
        b1, b2 = self._read(2)
        n = b2 & 0x7F
        if n == 126:
            n = ustruct.unpack("!H", self._read(2))[0]
        elif n == 127:
            n = ustruct.unpack("!Q", self._read(8))[0]
        mask = self._read(4) if b2 & 0x80 else None
        data = self._read(n)
        if mask:  # servers must not mask, but a masked frame still reads right
            k = (mask * (n // 4 + 1))[:n]
            data = (int.from_bytes(data, "big") ^ int.from_bytes(k, "big")).to_bytes(n, "big")
        return b1 & 0x80, b1 & 0x0F, data

    def recv(self):
        """Receive data from the websocket."""
        with self._rlock:
            return self._recv()

    def _recv(self):
        parts = None  # a fragmented message: [opcode, bytes so far]
        while self.open:
            try:
                fin, op, data = self._frame()
            except EOFError:
                self._log("connection ended")
                self._shut()
                return ""
            except MemoryError:
                self._fail(1009)  # too big for this board's heap
                return None
            except OSError:
                if not self.open:
                    return None  # close() from another thread
                raise
            if op == 9:
                self._log("ping -> pong")
                self._write(10, data)
                continue
            if op == 10:
                continue
            if op == 8:
                self._log("close from server", data[:2])
                try:
                    self._write(8, data[:2])
                except OSError:
                    pass
                self._shut()
                return None
            if op == 0 and parts is not None:
                parts[1] += data
            elif op in (1, 2) and parts is None:
                parts = [op, data]
            else:
                self._fail(1002)  # an unknown opcode, or fragments out of order
                return None
            if not fin:
                continue
            op, data = parts
            parts = None
            if op == 2:
                return data
            try:
                return data.decode("utf-8")
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


def _handshake(sock, host, port, path, headers, debug):
    key = binascii.b2a_base64(os.urandom(16)).strip()
    lines = [b"GET %s HTTP/1.1" % path.encode(), b"Host: %s:%d" % (host.encode(), port),
             b"Upgrade: websocket", b"Connection: Upgrade", b"Sec-WebSocket-Key: " + key,
             b"Sec-WebSocket-Version: 13", b"Origin: http://%s:%d" % (host.encode(), port)]
    for k, v in (headers or {}).items():
        lines.append(("%s: %s" % (k, v)).encode())
    req = b"\r\n".join(lines) + b"\r\n\r\n"
    if debug:
        print("[uwebsocket] >", req)
    sock.write(req)
    status = sock.readline()
    if debug:
        print("[uwebsocket] <", status)
    got = None
    while True:
        line = sock.readline()
        if not line or line in (b"\r\n", b"\n"):
            break
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"sec-websocket-accept":
            got = v.strip()
    if status.split(b" ", 2)[1:2] != [b"101"]:
        raise OSError("WebSocket handshake failed: %s" % status.strip().decode())
    want = binascii.b2a_base64(hashlib.sha1(key + _GUID).digest()).strip()
    if got != want:
        raise OSError("WebSocket handshake failed: Sec-WebSocket-Accept %r, expected %r" % (got, want))


class Client:
    @classmethod
    def connect(cls, url, headers=None, debug=False):
        tls, host, port, path = _split(url)
        addr = usocket.getaddrinfo(host, port)[0][-1]
        raw = sock = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM)
        try:
            raw.connect(addr)
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
