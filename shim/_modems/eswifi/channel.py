# The eS-WiFi driver's command channel: one command in flight at a time,
# taken in turns, first come first served (Turns); the reply parser
# (at.Replies) armed for each command; the socket P0 last selected, so a
# command sequence selects only when it changes. The driver owns one
# (`drv.at`); it reaches the driver only through its command slot
# (exchange, answer, write: core.Driver) and `limit`, which a turn taken
# within(limit) sets for the waits of the commands it runs.
from ..._ports import port as _p
from ..core import Event, FOREVER
from .at import Replies, errno_of

_err = _p.oserror


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


class AtChannel:
    """The driver's side of one command. The caller holds a turn (`with
    chan.turns:` or `with chan.within(limit):`) for every call but status."""

    def __init__(self, drv, on_async):
        self.d = drv
        self.rd = Replies(self._reply, on_async)
        self.turns = Turns()
        self.sel = -1  # the socket P0 last selected (-1: unknown)

    def _reply(self, ok, what):
        self.d.answer((ok, what))

    def within(self, limit):
        return self.turns.within(self.d, limit)

    def ask(self, cmd, timeout_ms=None, raw=0):
        """Send cmd, wait for its reply: (ok, lines), or (ok, payload) for
        an R0 armed with raw = its R1; OSError(110) when none comes."""
        rd, d = self.rd, self.d
        rd.arm = raw
        rd.tag += 1
        rd.busy = True
        try:
            return d.exchange(lambda: d.write(cmd), timeout_ms)
        finally:
            rd.busy = False
            rd.arm = 0

    def ok(self, cmd, timeout_ms=None):
        """The body lines of an OK reply; OSError for an error reply."""
        ok, what = self.ask(cmd, timeout_ms)
        if not ok or not isinstance(what, list):
            raise _err(errno_of(what) if isinstance(what, list) else 5)
        return what

    def set(self, name, value):
        self.ok(("%s=%s\r" % (name, value)).encode())

    def reselect(self):
        """The module's selection is unknown (a command failed, or it may
        have restarted): the next select() sends P0."""
        self.sel = -1

    def select(self, n):
        # P0 only when the selection changes (-1: unknown, after a failure).
        if self.sel != n:
            self.sel = -1
            self.set("P0", n)
            self.sel = n

    def status(self, timeout_ms=None, limit=None):
        """CS (in a turn of its own): True joined, False not."""
        with self.within(limit):
            body = self.ok(b"CS\r", timeout_ms)
        return bool(body) and body[-1] == b"1"
