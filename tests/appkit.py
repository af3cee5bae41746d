"""Stand-ins for tests/test_apps.py: the peers the example apps talk to,
written from the protocols' specifications, independently of the apps' code
(a bug shared by the app and its checker would hide). Every wait has a
timeout."""

import re
import socket
import struct
from pathlib import Path

from conftest import EXAMPLES

APPS = EXAMPLES / "apps"
RESTART = "qpyshim: the board restarts"


def restarts(app):
    """How many times the board rebooted so far (the runner says so on stderr)."""
    return sum(1 for line in app.transcript if line == RESTART)


def with_port(path, port, *keys):
    """The app's JSON config with the server port (at keys) replaced."""
    import json

    cfg = json.loads(Path(path).read_text())
    d = cfg
    for k in keys[:-1]:
        d = d[k]
    d[keys[-1]] = port
    return cfg


class Listener:
    """A TCP server socket on loopback, ephemeral port."""

    def __init__(self, timeout=20):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.sock.settimeout(timeout)
        self.port = self.sock.getsockname()[1]

    def accept(self, timeout=20):
        self.sock.settimeout(timeout)
        c, _ = self.sock.accept()
        c.settimeout(timeout)
        return c

    def close(self):
        self.sock.close()


def recv_exactly(sock, n):
    out = b""
    while len(out) < n:
        chunk = sock.recv(n - len(out))
        if not chunk:
            raise EOFError(f"connection closed after {out!r}")
        out += chunk
    return out


def recv_line(sock, end=b"\n"):
    out = b""
    while not out.endswith(end):
        chunk = sock.recv(1)
        if not chunk:
            raise EOFError(f"connection closed after {out!r}")
        out += chunk
    return out


# -- JT/T 808-2013 (section 4: 0x7E flags, 0x7D escapes, XOR check code)
class Jt808:
    """One platform-side connection: reads whole frames, checks every byte
    of framing, and answers as a platform."""

    def __init__(self, conn):
        self.conn = conn
        self.buf = b""
        self.serial = 100

    def frame(self):
        """(msg_id, attr, phone_bcd, serial, body) of the next frame."""
        while True:
            start = self.buf.find(b"\x7e")
            end = self.buf.find(b"\x7e", start + 1) if start >= 0 else -1
            if end > start + 1:
                raw, self.buf = self.buf[start + 1:end], self.buf[end + 1:]
                break
            if end == start + 1:
                self.buf = self.buf[end:]
                continue
            chunk = self.conn.recv(1024)
            if not chunk:
                raise EOFError("the tracker closed the connection")
            self.buf += chunk
        assert b"\x7e" not in raw
        data = raw.replace(b"\x7d\x02", b"\x7e").replace(b"\x7d\x01", b"\x7d")
        check = 0
        for b in data[:-1]:
            check ^= b
        assert check == data[-1], f"bad check code in {raw.hex()}"
        msg_id, attr = struct.unpack(">HH", data[:4])
        phone, serial = data[4:10], struct.unpack(">H", data[10:12])[0]
        body = data[12:-1]
        assert attr & 0x3FF == len(body), f"length field {attr} for a {len(body)}-byte body"
        return msg_id, attr, phone, serial, body

    def send(self, msg_id, phone, body):
        head = struct.pack(">HH", msg_id, len(body)) + phone + struct.pack(">H", self.serial)
        self.serial += 1
        data = head + body
        check = 0
        for b in data:
            check ^= b
        data += bytes([check])
        self.conn.sendall(b"\x7e" + data.replace(b"\x7d", b"\x7d\x01").replace(b"\x7e", b"\x7d\x02")
                          + b"\x7e")


def nmea(body):
    """A sentence with its checksum (NMEA 0183: XOR of the bytes between $ and *)."""
    check = 0
    for ch in body.encode():
        check ^= ch
    return "$%s*%02X\r\n" % (body, check)


# -- Modbus RTU (Modbus over serial line spec V1.02, 6.2.2: CRC-16, poly 0xA001, init 0xFFFF)
def modbus_crc(frame):
    crc = 0xFFFF
    for byte in frame:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return struct.pack("<H", crc)


def parse_value(app, key, pattern=r"(.*)"):
    """The group of the next transcript line `KEY ...`."""
    return app.expect(r"%s %s" % (re.escape(key), pattern)).group(1)


def read_exactly(line, n, timeout=10.0):
    """n bytes from a PtyLine (the host's end of a board UART)."""
    import time

    deadline = time.monotonic() + timeout
    out = b""
    while len(out) < n:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"{len(out)} of {n} bytes: {out!r}")
        out += line.read(n - len(out), timeout=left)
    return out


_EXC = re.compile(r"^([A-Za-z_.]+(?:Error|Exception|Interrupt|Exit))\b")


def exceptions(app):
    """The exception names of the tracebacks in the transcript (print_exception's and uncaught)."""
    return [m.group(1) for m in map(_EXC.match, app.transcript) if m]
