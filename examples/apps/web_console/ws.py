# The server side of RFC 6455: the opening handshake, and frames (client
# frames are masked, ours are not; no fragmentation, no extensions).
import ubinascii
import uhashlib
import ustruct

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, BINARY, CLOSE, PING, PONG = 1, 2, 8, 9, 10


def accept_key(key):
    return ubinascii.b2a_base64(uhashlib.sha1(key.encode() + GUID).digest()).strip().decode()


def handshake(conn, key):
    conn.send("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              "Sec-WebSocket-Accept: %s\r\n\r\n" % accept_key(key))


def _exactly(conn, n):
    buf = b""
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            raise OSError(107)
        buf += chunk
    return buf


def read_frame(conn):
    """(opcode, payload bytes)."""
    b0, b1 = _exactly(conn, 2)
    n = b1 & 0x7F
    if n == 126:
        n = ustruct.unpack(">H", _exactly(conn, 2))[0]
    elif n == 127:
        n = ustruct.unpack(">Q", _exactly(conn, 8))[0]
    if n > 4096:
        raise ValueError("frame too large: %d" % n)
    mask = _exactly(conn, 4) if b1 & 0x80 else None
    data = bytearray(_exactly(conn, n))
    if mask:
        for i in range(n):
            data[i] ^= mask[i & 3]
    return b0 & 0x0F, bytes(data)


def send_frame(conn, opcode, payload):
    if isinstance(payload, str):
        payload = payload.encode()
    n = len(payload)
    if n < 126:
        head = ustruct.pack(">BB", 0x80 | opcode, n)
    else:
        head = ustruct.pack(">BBH", 0x80 | opcode, 126, n)
    conn.send(head + payload)
