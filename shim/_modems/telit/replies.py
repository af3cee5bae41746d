# What the Telit driver's reader thread makes of the modem's output: lines,
# the `> ` prompt and counted #SRECV payloads go to the command in flight,
# SRING URCs to the sockets. It only reads and records; commands are the
# app threads' business (driver.py). Its reach into the rest is narrow: the
# driver's command slot (waiting, done, answer), find(id) and MAX, and the
# context's alarm()/restarted() (context.py).
from ..atline import AtReader
from ..core import CLOSED
from . import at as at


class Replies:
    def __init__(self, drv, context):
        self.d = drv
        self.context = context
        self.at = AtReader(self._line, self._raw, (b"> ",))
        # The command in flight (begin() sets it up, under the command lock):
        self.lines = []  # its information lines
        self.cmd = b""  # its text (its echo is not an answer)
        self.want_prompt = False  # it sends data after a `> ` prompt
        self.prompted = False
        self.sock = None  # the socket an #SRECV in flight reads
        self.hdr = False  # its #SRECV: header came
        self.dest = None  # (sock, (ip, port), n, gen): whom the counted payload is for
        self.gen = 0  # counts commands: a payload belongs to the one that asked for it

    def begin(self, cmd, sock, prompt):
        """A command is about to be written (the driver's command lock held)."""
        self.lines = []
        self.prompted = False
        self.want_prompt = prompt
        self.sock = sock
        self.hdr = False
        self.cmd = cmd
        self.gen += 1

    def end(self):
        self.want_prompt = False
        self.sock = None

    # -- the reader thread ------------------------------------------------------------
    def feed(self, data):
        to = self.dest
        if self.at.raw is not None and (not self.d.waiting or to is None or to[3] != self.gen):
            self.at.reset()  # a payload whose command gave up waiting: read lines again
            self.dest = None
        self.at.feed(data)

    def reset(self):
        self.at.reset()
        self.dest = None

    def _line(self, line):
        d = self.d
        if line == b"> ":
            if d.waiting and self.want_prompt:
                self.prompted = True
                d.done.wake()
            return
        line = line.strip()
        if not line:
            return
        u = at.sring(line)
        if u is not None:
            # Data (srMode 1 gives the count) or, on a listener, a connection
            # waiting for #SA: either way an app thread waiting on it acts.
            s = d.find(u[0])
            if s is not None:
                s.pending = u[1] or 1
                s.ev.wake()
            return
        if at.final(line) is not None:
            if d.waiting:
                s = self.sock
                if s is not None and not self.hdr:
                    s.pending = 0  # #SRECV found nothing; set here, before any later SRING
                d.answer(line)
            return
        if self.sock is not None and line[:7] == b"#SRECV:":
            self._header(line)
            return
        if line[:6] == b"#SKTL:" or line[:5] == b"#SL: ":
            self.context.alarm()  # a listener aborted by the network: check the context
            return
        if d.waiting:
            if line == self.cmd:
                if self.context.inited:  # echo is back on: the modem restarted
                    self.context.restarted()
                return
            if len(self.lines) < 16:
                self.lines.append(line)

    def _header(self, line):
        h = at.srecv(line)
        s = self.sock
        mx = self.d.MAX
        if h is None or self.hdr or h[0] != s.id or not 0 <= h[1] <= mx:
            return
        self.hdr = True
        n = h[1]
        self.dest = (s, h[2] or s.peer, n, self.gen)
        # More may wait: a full read (TCP) or the rest of a datagram (UDP).
        s.pending = (1 if h[3] > 0 else 0) if s.type == 2 else (1 if n >= mx else 0)
        # The header's CR LF: AtReader ends the line at CR, so the LF comes
        # first; one more byte is taken and dropped in _raw.
        self.at.expect_raw(n + 1)

    def _raw(self, data):
        to = self.dest
        self.dest = None
        if to is None:
            return
        s, addr, n = to[0], to[1], to[2]
        data = data[1:] if data[:1] == b"\n" else data[:n]
        if not data or s.st == CLOSED:
            return
        if s.type == 2:
            s.datagram(data, addr)
        else:
            s.feed(data)
