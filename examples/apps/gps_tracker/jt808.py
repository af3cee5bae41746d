# JT/T 808-style framing, the binary protocol Chinese vehicle trackers speak:
# 0x7E | escaped(header, body, XOR check) | 0x7E, big-endian fields, the
# terminal's phone number as 6 BCD bytes. Only the messages this tracker uses.
import ustruct

REGISTER = 0x0100
AUTH = 0x0102
HEARTBEAT = 0x0002
LOCATION = 0x0200
PLATFORM_ACK = 0x8001
REGISTER_ACK = 0x8100


def bcd(digits):
    out = bytearray(len(digits) // 2)
    for i in range(len(out)):
        out[i] = (int(digits[2 * i]) << 4) | int(digits[2 * i + 1])
    return bytes(out)


def _check(data):
    x = 0
    for b in data:
        x ^= b
    return x


def _escape(data):
    out = bytearray(b"\x7e")
    for b in data:
        if b == 0x7E:
            out += b"\x7d\x02"
        elif b == 0x7D:
            out += b"\x7d\x01"
        else:
            out.append(b)
    out.append(0x7E)
    return bytes(out)


def encode(msg_id, phone, serial, body):
    head = ustruct.pack(">HH", msg_id, len(body) & 0x3FF) + bcd(phone) + ustruct.pack(">H", serial)
    raw = head + body
    return _escape(raw + bytes([_check(raw)]))


def _unescape(data):
    out = bytearray()
    i = 0
    while i < len(data):
        b = data[i]
        if b == 0x7D and i + 1 < len(data):
            i += 1
            b = 0x7E if data[i] == 0x02 else 0x7D
        out.append(b)
        i += 1
    return out


def decode(frame):
    """(msg_id, serial, body) of one frame without its 0x7E flags, or None
    when the check byte is wrong."""
    raw = _unescape(frame)
    if len(raw) < 13 or _check(raw[:-1]) != raw[-1]:
        return None
    msg_id, attr = ustruct.unpack(">HH", raw[:4])
    serial = ustruct.unpack(">H", raw[10:12])[0]
    return msg_id, serial, bytes(raw[12:12 + (attr & 0x3FF)])


class Splitter:
    """Cuts a TCP byte stream into frames between 0x7E flags."""

    def __init__(self):
        self.buf = bytearray()

    def feed(self, data):
        self.buf += data
        frames = []
        while True:
            start = self.buf.find(b"\x7e")
            if start < 0:
                self.buf = bytearray()
                break
            end = self.buf.find(b"\x7e", start + 1)
            if end < 0:
                self.buf = self.buf[start:]
                break
            if end > start + 1:
                frames.append(bytes(self.buf[start + 1:end]))
            self.buf = self.buf[end:] if end == start + 1 else self.buf[end + 1:]
        return frames


def register_body(imei, plate):
    # province, city, maker id (5), model (20), terminal id (7), plate colour, plate
    model = b"EC600U" + b"\x00" * 14
    return ustruct.pack(">HH", 0, 0) + b"QUECT" + model + imei[-7:].encode() + b"\x00" + plate.encode()


def location_body(fix):
    status = 0x02  # positioned
    if fix["lat"] < 0:
        status |= 0x04
    if fix["lon"] < 0:
        status |= 0x08
    return ustruct.pack(">IIIIHHH", 0, status, abs(fix["lat"]), abs(fix["lon"]), 0, fix["speed"],
                        fix["course"]) + bcd(fix["time"])
