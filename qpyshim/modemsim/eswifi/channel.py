"""The eS-WiFi simulator's UART: command lines in (CR, CR LF tolerated, no
echo), S3/S0 payload bytes read whole, replies out, and the one command
that may run a while (R0 waiting, a connect, a send to a slow peer): while
it runs no further command is read and async lines are held for after its
reply. Owned by EsWifiSim; it hands lines to command(line) and reaches the
modem through `modem` (send, take, later)."""

import threading

from .replies import PROMPT, fail, garbled


class Channel:
    def __init__(self, modem, command):
        self.modem, self.command = modem, command
        self.block_id = 0
        self.reset()

    def reset(self):
        self.inbuf = bytearray()
        self.blocked = None  # the running command: check(expired) -> its reply, or None
        self.block_id += 1  # a timer of a command from before is stale
        self.need = None  # (n, done): S3/S0 bytes still to read, done(data) -> reply or None
        self.held = []  # async messages for after the running command

    def received(self, data):
        self.inbuf += data
        if len(self.inbuf) > 65536:
            del self.inbuf[:-4096]  # a flood nobody reads as commands
        self.run()

    def run(self):
        while self.blocked is None:
            if self.need:
                n, done = self.need
                if len(self.inbuf) < n:
                    return
                data = bytes(self.inbuf[:n])
                del self.inbuf[:n]
                self.need = None
                out = done(data)
                if out is not None:
                    self.reply(out)
                continue
            ends = [k for k in (self.inbuf.find(b"\r"), self.inbuf.find(b"\n")) if k >= 0]
            k = min(ends) if ends else -1
            if k < 0:
                if len(self.inbuf) > 1024:
                    self.inbuf.clear()
                    self.reply(fail(b"ERROR: Command too long"))
                return
            line = bytes(self.inbuf[:k]).decode("latin-1")
            del self.inbuf[:k + 1]
            if line:  # an empty line (the LF of CR LF) is no command
                out = self.command(line)
                if out is not None:
                    self.reply(out)

    def expect(self, n, done):
        """The next n bytes are a payload for done(data)."""
        self.need = (n, done)

    def reply(self, data):
        if self.modem.take("garble"):
            data = garbled(data)
        self.modem.send(data)
        for m in self.held:
            self.modem.send(m)
        self.held.clear()

    def notify(self, text):
        """An async line: now, or after the running command's reply."""
        msg = b"\r\n" + text + PROMPT
        if self.blocked is not None or self.need:
            self.held.append(msg)
        else:
            self.modem.send(msg)

    def block(self, check, ms=None):
        """The command waits (the module reads no further command) until
        check(expired) gives its reply; expired after ms."""
        self.block_id += 1
        self.blocked = check
        if ms is not None:
            bid = self.block_id
            t = threading.Timer(ms / 1000, lambda: self.modem.later(lambda: self.kick(bid)))
            t.daemon = True
            t.start()
        self.kick()

    def kick(self, expired_id=None):
        """Something changed: the running command may have its reply."""
        if self.blocked is None:
            return
        out = self.blocked(expired_id == self.block_id)
        if out is not None:
            self.blocked = None
            self.reply(out)
            self.run()
