# XBee API frames, pure: frame data <-> the bytes on the line (API mode 1,
# or 2 with escaping), the IPv4 fields in them, and what the status bytes
# of the modem's replies mean as errnos. No I/O and no driver state.
_ESC = (0x7E, 0x7D, 0x11, 0x13)
MAX_FRAME = 1600  # longest frame data we take: a 1500-byte payload and its header


def checksum(data):
    return 0xFF - (sum(data) & 0xFF)


def encode(data, escaped=False):
    """One API frame around frame data (the type byte and its fields)."""
    n = len(data)
    body = bytearray((n >> 8, n & 0xFF))
    body.extend(data)
    body.append(checksum(data))
    if escaped:
        out = bytearray()
        for b in body:
            if b in _ESC:
                out.append(0x7D)
                out.append(b ^ 0x20)
            else:
                out.append(b)
        body = out
    return b"\x7e" + bytes(body)


class Decoder:
    """Bytes in, whole frames' data out. A bad checksum or an oversized
    length drops the frame and looks again for a 0x7E from just after the
    one that started it (in mode 1 a good frame may hide in what a bad
    length swallowed); in mode 2 a raw 0x7E always starts a new frame.
    `bad` counts the frames dropped."""

    def __init__(self, escaped=False):
        self.escaped = escaped
        self.buf = bytearray()  # the frame's data and checksum, unescaped
        self.raw = bytearray()  # mode 1: the frame's bytes as they came, for a rescan
        self.need = -1  # -1: looking for 0x7E; -2/-3: the length bytes; else bytes left
        self.n = 0
        self.esc = False
        self.bad = 0

    def feed(self, data):
        return self._run([data])

    def flush(self):
        """The line went quiet inside a frame: a module sends a frame's bytes
        back to back, so this one is broken (a 0x7E in noise with a length
        that would swallow the replies to come). Drop it, read its bytes again."""
        if self.need == -1:
            return []
        return self._run(self._drop(b""))

    def _run(self, todo):
        out = []  # todo: chunks still to read; a dropped frame puts its bytes back first
        while todo:
            again = self._feed(todo.pop(0), out)
            if again:
                todo[:0] = again
        return out

    def _feed(self, data, out):
        esc_mode = self.escaped
        for i in range(len(data)):
            b = data[i]
            if b == 0x7E and (esc_mode or self.need == -1):
                if self.need != -1:
                    self.bad += 1  # a delimiter inside a frame: resync on it
                self.need, self.n, self.esc = -2, 0, False
                self.buf = bytearray()
                self.raw = bytearray()
                continue
            if self.need == -1:
                continue  # noise between frames
            if not esc_mode:
                self.raw.append(b)
            elif self.esc:
                b ^= 0x20
                self.esc = False
            elif b == 0x7D:
                self.esc = True
                continue
            if self.need == -2:
                self.n, self.need = b << 8, -3
            elif self.need == -3:
                self.n |= b
                if not 0 < self.n <= MAX_FRAME:
                    return self._drop(data[i + 1:])
                self.need = self.n + 1  # the data, then the checksum
            else:
                self.buf.append(b)
                self.need -= 1
                if self.need == 0:
                    if sum(self.buf) & 0xFF == 0xFF:
                        out.append(bytes(self.buf[:-1]))
                        self.need = -1
                        self.buf = bytearray()
                        self.raw = bytearray()
                    else:
                        return self._drop(data[i + 1:])

    def _drop(self, rest):
        # What to read next, in order: in mode 1 the dropped frame's own bytes
        # (a frame may start inside them), then the rest of the chunk. Handed
        # back rather than read here: noise full of bad frames must not nest
        # calls (an ESP32 thread's stack is small).
        self.bad += 1
        again = bytes(self.raw) if not self.escaped else b""
        self.need, self.buf, self.raw = -1, bytearray(), bytearray()
        return [again, rest] if again else [rest]


def ip(b):
    return "%d.%d.%d.%d" % (b[0], b[1], b[2], b[3])


def ip_bytes(dotted):
    return bytes(int(x) for x in dotted.split("."))


# What the status bytes of the modem's replies mean: (status, errno) byte
# pairs, not dicts, so an ESP32's heap holds 2 bytes a pair rather than a
# map slot (as literals: a bytes((...)) call's tuple would stay in RAM as a
# module constant). Every errno is below 128 but the DNS failure -202, kept
# as 202: errno() reads a byte above 127 as a negative errno.
# 0xCF socket states; 03 and 07 are the peer's end (Digi's TCP listener
# example shows a remote close as 07), 0C a reset.
STATE_ERR = (b"\x01\xca\x02\x6f\x04\x6e\x05\x05\x06\x71\x08\x05"  # 01: -202, 02: 111, 04: 110, 05: 5, 06: 113, 08: 5
             b"\x09\x71\x0a\x69\x0b\x09\x0c\x68\x0d\x6e\x0e\x67")  # 09: 113, 0A: 105, 0B: 9, 0C: 104, 0D: 110, 0E: 103
# 0x89 transmit status
TX_ERR = (b"\x20\x6b\x21\x05\x22\x65\x2c\x16\x32\x69\x74\x5a"  # 20: 107, 21: 5, 22: 101, 2C: 22, 32: 105, 74: 90
          b"\x76\x68\x78\x16\x79\x16\x7a\x16\x80\x6f\x81\x68"  # 76: 104, 78: 22, 79: 22, 7A: 22, 80: 111, 81: 104
          b"\x83\x6b\x87\x6b\x88\x59\x89\x6e\x8a\x67")  # 83: 107, 87: 107, 88: 89, 89: 110, 8A: 103
# 0xC0-0xC6 request status
REQ_ERR = (b"\x01\x16\x02\x16\x03\x72\x04\x6a\x20\x09\x22\x65"  # 01: 22, 02: 22, 03: 114, 04: 106, 20: 9, 22: 101
           b"\x31\x05\x32\x17\x7b\x5d\x7e\x10\x85\x05\x86\x16")  # 31: 5, 32: 23, 7B: 93, 7E: 16, 85: 5, 86: 22
# 0xC6 listen status
LISTEN_ERR = b"\x01\x16\x02\x05\x03\x62\x20\x09"  # 01: 22, 02: 5, 03: 98, 20: 9


def errno(t, b):
    """The errno table t gives status byte b; EIO (5) for one it lacks."""
    for i in range(0, len(t), 2):
        if t[i] == b:
            b = t[i + 1]
            return b if b < 128 else -b
    return 5
