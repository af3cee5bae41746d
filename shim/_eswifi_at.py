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
# Also here, the rest of the wire: the command turn (one command in flight,
# first come first served) and `Commands`, the driver's ask/ok/select calls.
from ._port import port as _p
from ._mcore import Event, FOREVER
from ._atline import _find

_err = _p.oserror

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


class Turns:
    """The command line, first come first served: a plain lock lets a thread
    that polls in a loop take it back before a waiting sender wakes."""

    def __init__(self):
        self.m = _p.thread.allocate_lock()
        self.held = False
        self.q = []  # [event, handed] of the threads waiting, in order
        self.pool = []  # spare events (each is a descriptor pair on the unix port)

    def __enter__(self):
        return self.take(None)

    def within(self, drv, limit):
        """`with turns.within(drv, limit):` a turn that gives up with 110
        when the app call's Deadline runs out first; while it is held,
        drv.limit caps every command's wait (Driver.exchange)."""
        return _Within(self, drv, limit)

    def take(self, limit):
        with self.m:
            if not self.held:
                self.held = True
                return self
            box = [self.pool.pop() if self.pool else Event(), False]
            self.q.append(box)
        try:
            while True:
                box[0].wait(FOREVER if limit is None else max(1, min(FOREVER, limit.left())))
                with self.m:
                    if box[1]:
                        self.pool.append(box[0])
                        return self
                    if limit is not None and limit.over():
                        raise _err(110)
        except BaseException:  # noqa: B036  interrupted while queued: leave the queue, or pass the turn on
            with self.m:
                handed = box[1]
                if box in self.q:
                    self.q.remove(box)
            if handed:
                self.__exit__()
            raise

    def __exit__(self, *exc):
        with self.m:
            if self.q:
                box = self.q.pop(0)
                box[1] = True  # handed over: held stays True
                box[0].wake()
            else:
                self.held = False


class _Within:
    def __init__(self, turns, drv, limit):
        self.t, self.d, self.limit = turns, drv, limit

    def __enter__(self):
        self.t.take(self.limit)
        self.d.limit = self.limit
        return self

    def __exit__(self, *exc):
        self.d.limit = None
        self.t.__exit__()
        return False


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
    if len(p) != 4 or not all(x.isdigit() and int(x) < 256 for x in p):
        return None
    return text


class Commands:
    """The driver's side of one command (a mixin for the Driver: it uses
    rd, turns, sel, reply, waiting, done, timeout_ms and write()). The
    caller holds its turn for every call but _status."""

    def _ask(self, cmd, timeout_ms=None, raw=0):
        """Send cmd, wait for its reply: (ok, lines), or (ok, payload) for
        an R0 armed with raw = its R1; OSError(110) when none comes."""
        rd = self.rd
        rd.arm = raw
        rd.tag += 1
        rd.busy = True
        try:
            return self.exchange(lambda: self.write(cmd), timeout_ms)
        finally:
            rd.busy = False
            rd.arm = 0

    def _ok(self, cmd, timeout_ms=None):
        """The body lines of an OK reply; OSError for an error reply."""
        ok, what = self._ask(cmd, timeout_ms)
        if not ok or not isinstance(what, list):
            raise _err(errno_of(what) if isinstance(what, list) else 5)
        return what

    def _set(self, name, value):
        self._ok(("%s=%s\r" % (name, value)).encode())

    def _sel(self, n):
        # P0 only when the selection changes (-1: unknown, after a failure).
        if self.sel != n:
            self.sel = -1
            self._set("P0", n)
            self.sel = n

    def _status(self, timeout_ms=None, limit=None):
        """CS (in a turn of its own): True joined, False not."""
        with self.turns.within(self, limit):
            body = self._ok(b"CS\r", timeout_ms)
        return bool(body) and body[-1] == b"1"
