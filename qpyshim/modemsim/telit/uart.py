"""The Telit simulator's UART: command lines in (echo, V.25ter editing, a
400-byte buffer), results out (verbose `\\r\\n...\\r\\n`, +CME ERROR as
AT+CMEE says), the `> ` prompt for a payload, the basic commands that set
the line itself (E, S12, V, Q, Z, &F, &K, &W, I), and online mode: the
line as a pipe to one connId, left by `+++` between guard times (S12).

Owned by TelitSim. It reaches the modem through `modem` (send, take,
later, txbuf) and three calls handed to it: command(line) for a command
line, to_peer(conn, data) for online bytes, suspended(conn) when a `+++`
ends an online session."""

import threading
import time

from .codec import CME, MAX_LINE, Bad


class Uart:
    def __init__(self, modem, guard_ms, command, to_peer, suspended):
        self.modem = modem
        self.command, self.to_peer, self.suspended = command, to_peer, suspended
        self.guard_ms = guard_ms
        self.esc_token = 0  # counts online input: a pending escape is void once more came
        self.reset()

    def reset(self):
        """Power-on state (an escape timer still pending finds no session)."""
        self.echo, self.cmee = True, 0
        self.inbuf, self.line_buf, self.overflow = bytearray(), bytearray(), False
        self.busy = False  # a command is still running (#SD, a held #SSENDEXT OK): input waits
        self.need, self.need_done = 0, None  # payload bytes a prompt asked for
        self.payload = bytearray()
        self.online = None  # the Conn the UART is a pipe to
        self.held_urcs = []
        self.plus, self.last_rx = 0, 0.0
        self.s12 = max(1, self.guard_ms // 20)

    @property
    def guard(self):
        return self.s12 / 50

    def backlog(self):
        """Bytes for the driver not yet on the line."""
        return len(self.modem.txbuf)

    # -- output --------------------------------------------------------------------------
    def send(self, data):
        self.modem.send(data)

    def frame(self, text):
        self.send(b"\r\n" + (text.encode("latin-1") if isinstance(text, str) else text) + b"\r\n")

    def final(self, text):
        data = text.encode("latin-1")
        if self.modem.take("garble"):
            data = b"\xff" + data[1:]  # one final result the driver can't read
        self.frame(data)

    def ok(self, *info):
        if info:
            self.frame("\r\n".join(info))
        self.final("OK")

    def error(self):
        self.final("ERROR")

    def cme(self, code):
        if self.cmee == 0:
            self.final("ERROR")
        elif self.cmee == 1:
            self.final(f"+CME ERROR: {code}")
        else:
            self.final(f"+CME ERROR: {CME.get(code, code)}")

    def urc(self, text):
        if self.online is not None:
            self.held_urcs.append(text)  # the UART is a data pipe: told on leaving it
        else:
            self.frame(text)

    def prompt(self, n, done):
        self.need, self.need_done = n, done
        self.send(b"\r\n> ")

    # -- input -----------------------------------------------------------------------------
    def feed(self, data):
        if len(self.inbuf) < 65536:
            self.inbuf += data
        self.pump()

    def pump(self):
        while self.inbuf and not self.busy:
            if self.online is not None:
                data = bytes(self.inbuf)
                self.inbuf.clear()
                self.online_in(data)
            elif self.need:
                take = self.inbuf[:self.need]
                del self.inbuf[:len(take)]
                self.payload += take
                self.need -= len(take)
                if not self.need:
                    done, data = self.need_done, bytes(self.payload)
                    self.need_done, self.payload = None, bytearray()
                    done(data)
            else:
                self.command_bytes()

    def command_bytes(self):
        ends = [i for i in (self.inbuf.find(b"\r"), self.inbuf.find(b"\n")) if i >= 0]
        chunk = bytes(self.inbuf[:min(ends) + 1] if ends else self.inbuf)
        del self.inbuf[:len(chunk)]
        if self.echo:
            self.send(chunk)
        for b in chunk:
            if b in (13, 10):
                if not self.line_buf and not self.overflow:
                    continue  # the LF of a CR LF
                line, over = bytes(self.line_buf), self.overflow
                self.line_buf, self.overflow = bytearray(), False
                if over:
                    self.error()
                else:
                    self.command(line)
            elif b == 8:
                self.line_buf = self.line_buf[:-1]  # V.25ter editing
            elif len(self.line_buf) < MAX_LINE:
                self.line_buf.append(b)
            else:
                self.overflow = True

    def basic(self, rest):
        i, out = 0, []
        while i < len(rest):
            c = rest[i].upper()
            i += 1
            if c == "&":
                c += rest[i:i + 1].upper()
                i += 1
            if c == "S":
                j = i
                while i < len(rest) and rest[i].isdigit():
                    i += 1
                reg = int(rest[j:i] or "x")
                if rest[i:i + 1] == "?":
                    out.append(f"{self.s12 if reg == 12 else 0:03d}")
                    i += 1
                elif rest[i:i + 1] == "=":
                    j = i = i + 1
                    while i < len(rest) and rest[i].isdigit():
                        i += 1
                    v = int(rest[j:i] or "x")
                    if reg == 12:
                        self.s12 = max(1, min(255, v))
                continue
            j = i
            while i < len(rest) and rest[i].isdigit():
                i += 1
            n = int(rest[j:i] or "0")
            if c == "E" and n in (0, 1):
                self.echo = n == 1
            elif c == "I":
                out.append("Telit" if n == 0 else "LE910-EU V2")
            elif (c, n) in (("V", 1), ("Q", 0), ("Z", 0), ("&F", 0), ("&K", 0), ("&K", 3), ("&W", 0)):
                if c in ("Z", "&F"):
                    self.echo = True
            else:
                raise Bad(f"basic command {c}{n}")
        self.ok(*out)

    # -- online mode -------------------------------------------------------------------------
    def go_online(self, c):
        self.online, self.plus, self.last_rx = c, 0, time.monotonic()
        self.final("CONNECT")

    def online_in(self, data):
        """UART bytes to the socket, but for `+++` with the guard time of
        idle line before, between and after the pluses (S12)."""
        now, g, out = time.monotonic(), self.guard, bytearray()
        for i, b in enumerate(data):
            gap = now - self.last_rx if i == 0 else 0.0
            if b == 0x2B and self.plus < 3 and (gap >= g if self.plus == 0 else gap <= g):
                self.plus += 1
            else:
                out += b"+" * self.plus + bytes([b])
                self.plus = 0
            self.last_rx = now
        if out:
            self.to_peer(self.online, bytes(out))
        self.esc_token += 1
        if self.plus == 3:
            token = self.esc_token
            t = threading.Timer(g, lambda: self.modem.later(lambda: self.escape(token)))
            t.daemon = True
            t.start()

    def escape(self, token):
        if token != self.esc_token or self.plus != 3 or self.online is None:
            return  # something came after the pluses: they were data
        c, self.online, self.plus = self.online, None, 0
        self.suspended(c)
        self.final("OK")
        self.release_urcs()
        self.pump()

    def leave_online(self, c):
        if self.online is c:
            self.online, self.plus = None, 0
            self.frame("NO CARRIER")
            self.release_urcs()

    def release_urcs(self):
        held, self.held_urcs = self.held_urcs, []
        for text in held:
            self.frame(text)
