"""The WIP simulator's UART: AT mode (echo, V.25ter editing, results and
URCs) and mapped mode (AT+WIPDATA): the line as one socket's data, DLE/ETX
escaped in mode 1, left by `+++` with its guard times or by the modem's
end line; URCs are held while mapped and printed after it.

Owned by WipSim, and reset at each power-on (a timer of a +++ from before
finds `gen` moved on). It hands command lines to command(text), a mapped
socket's bytes to `peer` (the socket table: to_peer, shut, udp_send), and
reaches the modem through `modem` (send, take, later)."""

import threading
import time

from .codec import DLE, ETX, UDP_MAX, esc


class Uart:
    def __init__(self, modem, guard_ms, udp_etx_ends, command):
        self.modem, self.command = modem, command
        self.guard = guard_ms / 1000
        self.udp_etx_ends = udp_etx_ends
        self.peer = None  # the socket table (set by the owner)
        self.gen = 0  # bumped by every byte in data mode: a pending +++ is void
        self.reset()

    def reset(self):
        self.echo = True
        self.cmee = 0
        self.cmd = bytearray()
        self.mapped = None  # the Sock the UART is mapped to
        self.mode = 0
        self.urcs = []  # held while mapped
        self.dle = False
        self.dgram = bytearray()  # a UDP datagram the host is writing
        self.plus = b""
        self.last_in = 0.0
        self.gen += 1

    # -- output ---------------------------------------------------------------------
    def send(self, data):
        self.modem.send(data)

    def say(self, text):
        if self.mapped is None and self.modem.take("garble"):
            t = bytearray(text)
            t[len(t) // 2] ^= 0x55  # one byte off: the driver must not take it for the real line
            text = bytes(t)
        self.send(b"\r\n" + text + b"\r\n")

    def urc(self, text):
        if self.mapped is not None:
            self.urcs.append(text)
        else:
            self.say(text)

    def drop_urcs(self):
        self.urcs = []

    def ok(self):
        self.say(b"OK")

    def cme(self, n):
        return b"+CME ERROR: %d" % n if self.cmee else b"ERROR"

    def err(self, n):
        self.say(self.cme(n))

    def info(self, lines):
        if lines:
            self.send(b"\r\n" + b"\r\n".join(lines) + b"\r\n")
        self.ok()

    # -- input -------------------------------------------------------------------------
    def received(self, data):
        if self.mapped is not None:
            self._mapped_in(data)
        else:
            self._at_in(data)

    def _at_in(self, data):
        echo = bytearray()
        for k in range(len(data)):
            b = data[k]
            if self.echo:
                echo.append(b)
            if b == 13:
                self.send(bytes(echo))
                echo.clear()
                text = self.cmd.decode("latin-1")
                self.cmd.clear()
                self.command(text)
                if self.mapped is not None:
                    if k + 1 < len(data):
                        self._mapped_in(data[k + 1:])
                    return
            elif b in (8, 127):
                if self.cmd:
                    self.cmd.pop()
            elif b != 10 and len(self.cmd) < 1024:
                self.cmd.append(b)
        if echo:
            self.send(bytes(echo))

    # -- mapped mode --------------------------------------------------------------------
    def map(self, s, m):
        """CONNECT: the UART is socket s's data, in mode m."""
        self.say(b"CONNECT")
        self.mapped, self.mode = s, m
        self.dle, self.plus, self.dgram = False, b"", bytearray()
        self.last_in = time.monotonic()
        self.gen += 1

    def end_session(self, why):
        if self.mode == 1:
            self.send(b"\x03")
        self._leave(why)

    def _leave(self, why):
        self.mapped = None
        self.dle, self.plus, self.dgram = False, b"", bytearray()
        self.gen += 1
        self.say(why)
        urcs, self.urcs = self.urcs, []
        for u in urcs:
            self.say(u)

    def _mapped_in(self, data):
        now = time.monotonic()
        quiet = now - self.last_in >= self.guard
        self.last_in = now
        self.gen += 1  # any byte voids a +++ waiting for its guard time
        if self.plus or (quiet and data[:1] == b"+"):
            cand = self.plus + bytes(data)
            if len(cand) <= 3 and cand == b"+" * len(cand):
                self.plus = cand
                if len(cand) == 3:
                    gen = self.gen
                    t = threading.Timer(self.guard, lambda: self.modem.later(lambda: self._escape(gen)))
                    t.daemon = True
                    t.start()
                return
            data, self.plus = cand, b""  # it was data after all
        if self.mode == 2:
            return self._payload(bytes(data))
        out = bytearray()
        for k in range(len(data)):
            b = data[k]
            if self.dle:
                self.dle = False
                out.append(b)
            elif b == DLE:
                self.dle = True
            elif b == ETX:
                if out:
                    self._payload(bytes(out))
                    out = bytearray()
                self._etx()
                if self.mapped is None:  # the ETX ended the session (udp_etx_ends)
                    if k + 1 < len(data):
                        self._at_in(data[k + 1:])
                    return
            else:
                out.append(b)
        if out:
            self._payload(bytes(out))

    def _escape(self, gen):
        if gen != self.gen or self.mapped is None or self.plus != b"+++":
            return
        s = self.mapped
        if s.proto == 1 and self.dgram:
            self.peer.udp_send(s, bytes(self.dgram))  # a partial datagram goes as it is
        self.end_session(b"OK")

    def _payload(self, data):
        s = self.mapped
        if s.proto == 2:
            return self.peer.to_peer(s, data)
        self.dgram += data
        while len(self.dgram) >= UDP_MAX:
            self.peer.udp_send(s, bytes(self.dgram[:UDP_MAX]))
            del self.dgram[:UDP_MAX]

    def _etx(self):
        s = self.mapped
        if s.proto == 2:
            return self.peer.shut(s)  # TCP: the host's ETX shuts our sending side
        self.peer.udp_send(s, bytes(self.dgram))
        self.dgram = bytearray()
        if self.udp_etx_ends:
            self.end_session(b"OK")

    def to_mapped(self, data, dgram=False):
        """A mapped socket's data for the driver: escaped in mode 1, a
        datagram ended by ETX."""
        if dgram:
            self.send(esc(data) + b"\x03")
        else:
            self.send(esc(data) if self.mode == 1 else data)
