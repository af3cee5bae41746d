"""XBee API frames on the simulator's side, pure: frame data to the bytes
on the line (API mode 1, or 2 with escaping) and back. No I/O."""

import struct

ESCAPE = {0x7E, 0x7D, 0x11, 0x13}
MAX_PAYLOAD = 1500


def encode(data, escaped):
    body = struct.pack(">H", len(data)) + data + bytes([0xFF - (sum(data) & 0xFF)])
    if escaped:
        body = b"".join(bytes([0x7D, b ^ 0x20]) if b in ESCAPE else bytes([b]) for b in body)
    return b"\x7e" + body


class FrameReader:
    """Frames from the driver; a bad checksum is dropped silently, as the
    module does."""

    def __init__(self, escaped):
        self.escaped = escaped
        self.buf = bytearray()
        self.dropped = 0  # frames with a bad checksum (the driver sent a broken frame)

    def feed(self, data):
        self.buf += data
        frames = []
        while True:
            start = self.buf.find(b"\x7e")
            if start < 0:
                self.buf.clear()
                return frames
            del self.buf[:start]
            raw = self._unescape(self.buf[1:]) if self.escaped else self.buf[1:]
            if raw is None or len(raw) < 2:
                return frames
            n = (raw[0] << 8) | raw[1]
            if len(raw) < n + 3:
                if self.escaped and b"\x7e" in self.buf[1:]:
                    del self.buf[:1]  # a new frame began inside this one
                    continue
                return frames
            data, ck = bytes(raw[2:2 + n]), raw[2 + n]
            used = self._consumed(n + 3) if self.escaped else n + 4
            del self.buf[:used]
            if (sum(data) + ck) & 0xFF == 0xFF and n:
                frames.append(data)
            else:
                self.dropped += 1

    def _unescape(self, b):
        out, esc = bytearray(), False
        for c in b:
            if c == 0x7E:
                break
            if esc:
                out.append(c ^ 0x20)
                esc = False
            elif c == 0x7D:
                esc = True
            else:
                out.append(c)
        return out

    def _consumed(self, n_unescaped):
        """Raw bytes (delimiter included) that hold n unescaped bytes."""
        i, got = 1, 0
        while got < n_unescaped:
            i += 2 if self.buf[i] == 0x7D else 1
            got += 1
        return i
