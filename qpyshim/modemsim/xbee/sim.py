"""A Digi XBee Cellular in API mode 1 or 2: the extended socket frames
(sockets.py), the local AT commands a socket driver needs (at.py), modem
status frames, each modem socket backed by a host socket on loopback.
XBeeSim owns the modem's state (registration, airplane mode, API mode) and
its parts: the frame reader (frames.py) and the socket table."""

import threading

from ..base import Simulator
from . import at
from .frames import FrameReader, encode
from .sockets import Sockets


class XBeeSim(Simulator):
    NAME = "xbee"

    def __init__(self, *args, api_mode=1, sockets=6, recover_s=1.0, **kw):
        self.api_mode = api_mode
        self.escaped = api_mode == 2
        self.limit = sockets
        self.recover_s = recover_s
        super().__init__(*args, **kw)

    def reset(self):
        self.reader = FrameReader(self.escaped)
        self.sockets = Sockets(self, self.limit)
        self.ai = 0x00
        self.airplane = False

    def banner(self):
        return self._encode(b"\x8a\x00") + self._encode(b"\x8a\x02")

    def _encode(self, data):
        frame = bytearray(encode(data, self.escaped))
        if self.take("garble"):
            frame[-1] ^= 0x55  # a corrupted checksum: the driver must drop the frame
        return bytes(frame)

    def out(self, *parts):
        self.send(self._encode(b"".join(bytes(p) if isinstance(p, (list, tuple)) else p for p in parts)))

    def received(self, data):
        before = self.reader.dropped
        frames = self.reader.feed(data)
        if self.reader.dropped != before:
            self.malformed(b"a frame with a bad checksum")
        for f in frames:
            if f[0] == 0x08:
                self._local_at(f)
            elif f[0] in Sockets.FRAMES:
                self.sockets.frame(f)
            else:  # an API frame this module does not take; it stays silent
                self.malformed(f)

    def _local_at(self, f):
        if len(f) < 4:
            return
        fid, cmd, param = f[1], f[2:4].decode("latin-1"), f[4:]
        status, value = at.answer(self, cmd, param)
        if fid:
            self.out(b"\x88", bytes([fid]), cmd.encode("latin-1"), bytes([status]), value)

    # -- the modem's state, for its parts -------------------------------------------------
    def attached(self):
        return self.ai == 0

    def api_mode_to(self, mode):
        self.escaped = mode == 2
        self.reader.escaped = self.escaped

    def airplane_mode(self, on):
        self.airplane = on
        if on:
            self.lose_context(recover=False)
            self.ai = 0x2A
        else:
            self.ai = 0
            self.out(b"\x8a\x02")

    # -- faults ------------------------------------------------------------------------
    def drop_connections(self):
        self.sockets.drop_connections()

    def lose_context(self, recover=True):
        self.sockets.lose_all()
        self.ai = 0x23
        self.out(b"\x8a\x03")
        if recover:
            threading.Timer(self.recover_s, lambda: self.later(self._reregister)).start()

    def _reregister(self):
        if not self.airplane:
            self.ai = 0
            self.out(b"\x8a\x02")
