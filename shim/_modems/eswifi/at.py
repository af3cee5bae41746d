# The eS-WiFi module's replies, cut from its UART byte stream. A reply is
# `\r\n<body lines>\r\nOK\r\n> ` or `\r\n<error lines>\r\n> ` (no OK): the
# prompt `> ` at the start of a line ends it. R0's reply carries raw binary
# data, so while the driver has armed an R0 the bytes are gathered whole and
# cut at the first `\r\nOK\r\n> ` (the trailer; the module has no length
# field, so a payload that itself holds the trailer is cut there, and one
# that begins `-1\r\nERROR` or `ERROR` and is cut by the UART just after a
# `\r\n> ` reads as an error reply: the protocol's own ambiguities, as in
# ST's driver). Noise before the reply's CR LF is skipped. Async messages (`[TCP SVR]
# Accepted a.b.c.d:port`, informational `[TCP ...]` lines) are told apart
# from reply lines: an Accepted line is never part of a reply, other `[`
# lines belong to a reply only while a command waits for one.
#
# Every buffer is bounded: a line is cut at MAX_LINE, a reply keeps its last
# MAX_LINES lines, an R0 gathers at most its R1 limit plus the trailer and
# SLACK before it is given up as garbled.
#
# Pure: no I/O, no driver state; channel.py arms it and takes its replies.
from ..atline import _find, digits

TRAILER = b"\r\nOK\r\n> "
PROMPT = b"> "
END = b"\r\n> "
ACCEPTED = b"[TCP SVR] Accepted "
MAX_LINE = 512
MAX_LINES = 16
SLACK = 64


class Replies:
    def __init__(self, on_reply, on_async):
        self.on_reply = on_reply  # (True, body lines) / (False, error lines); R0: (True, payload bytes)
        self.on_async = on_async  # a `[...]` line no command waits for
        # Set by the driver (one command in flight, under its command lock):
        self.busy = False  # a command waits: `[` lines are its reply's
        self.arm = 0  # the command in flight is R0, reading at most this many bytes
        self.tag = 0  # bumped for every command: an R0 gathering for an older one is dropped
        # The reader's own state:
        self.buf = bytearray()  # the line being read
        self.lines = []  # the reply's lines so far
        self.raw = None  # an R0 reply being gathered (bytes after its leading CR LF included)
        self.rtag = -1  # the command tag that raw belongs to
        self.rmax = 0

    def reset(self):
        self.buf = bytearray()
        self.lines = []
        self.raw = None

    def feed(self, data):
        i, n = 0, len(data)
        while i < n:
            if self.raw is not None:
                if self.rtag != self.tag:
                    self.raw = None  # its command is over (timed out): the rest is stale
                    continue
                self.raw.extend(data[i:])
                self._scan()
                return
            b = data[i]
            if b == 13 and self.arm and self.rtag != self.tag:
                # The armed R0's reply starts here (with CR LF); a partial
                # line or lines read before it are stale.
                self.buf = bytearray()
                self.lines = []
                self.raw = bytearray()
                self.rtag = self.tag
                self.rmax = self.arm
                continue
            i += 1
            if b == 13 or b == 10:
                if self.buf:
                    line = bytes(self.buf)
                    self.buf = bytearray()
                    self._line(line)
                continue
            self.buf.append(b)
            if len(self.buf) >= MAX_LINE:
                line = bytes(self.buf)
                self.buf = bytearray()
                self._line(line)
            elif len(self.buf) == 2 and self.buf == PROMPT:
                self.buf = bytearray()
                self._prompt()

    def _line(self, line):
        if line[: len(ACCEPTED)] == ACCEPTED or (line[:1] == b"[" and not self.busy):
            self.on_async(line)
            return
        if len(self.lines) >= MAX_LINES:
            self.lines.pop(0)
        self.lines.append(line)

    def _prompt(self):
        if not self.lines:
            return  # a prompt alone: after boot, or after an async message
        lines, self.lines = self.lines, []
        if lines[-1] == b"OK":
            self.on_reply(True, lines[:-1])
        else:
            self.on_reply(False, lines)

    def _scan(self):
        # What the gathered R0 bytes hold so far: nothing whole yet, an async
        # message ahead of the reply, the payload and its trailer, or an error.
        while self.raw is not None:
            r = self.raw
            if len(r) < 2:
                return
            if r[0] != 13 or r[1] != 10:
                # Noise before the reply's CR LF: skip to it.
                k = _find(r, b"\r\n")
                self.raw = bytearray(r[k:]) if k >= 0 else bytearray(b"\r" if r[-1] == 13 else b"")
                continue
            area = r[2:]
            if area[: len(ACCEPTED)] == ACCEPTED:
                k = _find(area, END)
                if k < 0:
                    if len(area) > MAX_LINE:
                        self._give_up()
                    return
                # An async message is one line: a payload that only starts
                # with the same words runs on past a CR LF to its trailer.
                if _find(area[:k], b"\r\n") < 0:
                    self.on_async(bytes(area[:k]))
                    self.raw = bytearray(area[k + len(END):])
                    continue
            j = _find(area, TRAILER)
            if j >= 0:
                self._done(True, bytes(area[:j]), area[j + len(TRAILER):])
                return
            if area[:9] == b"-1\r\nERROR" or area[:5] == b"ERROR":
                k = _find(area, END)
                if k >= 0:
                    lines = [x for x in bytes(area[:k]).split(b"\r\n") if x]
                    self._done(False, lines, area[k + len(END):])
                return
            if len(area) > self.rmax + len(TRAILER) + SLACK:
                self._give_up()
            return

    def _done(self, ok, what, rest):
        self.raw = None
        self.on_reply(ok, what)
        if rest:
            self.feed(bytes(rest))

    def _give_up(self):
        self.raw = None
        self.on_reply(False, [b"garbled"])


def errno_of(lines, default=5):
    """The errno an error reply's words name (the module's texts, or the
    simulator's; a bare ERROR is `default`)."""
    text = b" ".join(lines)
    for word, n in ((b"efused", 111), (b"nreachable", 113), (b"imed out", 110), (b"eset", 104),
                    (b"in use", 98)):
        if word in text:
            return n
    return default


def ip_or_none(text):
    p = text.split(".")
    if len(p) != 4 or not all(digits(x) and int(x) < 256 for x in p):
        return None
    return text
