# The skeleton every serial-modem driver fills in: one reader thread owns the
# line and turns bytes into replies and socket events; app threads take the
# command lock, write a request and wait for the reader to hand them the
# reply. The driver is also the link behind dataCall. Its sockets and the
# waiting primitives are in sock.py.
from .._ports import port as _p
from .sock import (  # noqa: F401  the drivers take these from here
    FOREVER, NEW, CONNECTING, CONNECTED, LISTENING, BOUND, CLOSED, Event, Deadline, MSocket, wait_until)

_t = _p.thread
_time = _p.time
_err = _p.oserror
QUIET_MS = 200  # after a lost reply, how long the line must be silent before the next command


def limit_of(sock):
    """The Deadline of an app call on sock (its settimeout), or None:
    blocking and non-blocking calls keep the command timeouts."""
    return Deadline(sock.to) if sock.to else None


class _Held:
    def __init__(self, drv, limit):
        self.d = drv
        self.limit = limit

    def __enter__(self):
        self.d.hold(self.limit)
        self.d.limit = self.limit
        return self

    def __exit__(self, *exc):
        self.d.limit = None
        self.d.cmdlock.release()
        return False


class Driver:
    """The skeleton a dialect fills in. It is also the link behind dataCall
    (start/sim/reg/bring, as _modem asks a board's network interface)."""

    NAME = "modem"
    MAX = 1460  # payload bytes per send
    SOCKETS = 4
    READ = 512  # bytes per line read
    SETTLE = False  # after a command timeout, let the line go quiet first (see settle)

    def __init__(self, line, cfg):
        self.line = line
        self.lock = _t.allocate_lock()  # socket table and link state
        self.cmdlock = _t.allocate_lock()  # one command in flight
        self.done = Event()  # the reader has the reply to it
        self.reply = None
        self.waiting = False
        self.socks = {}  # the modem's id -> MSocket
        self.ip = "0.0.0.0"
        self.up = False  # the data context (PDP / Wi-Fi) is up
        self.answered = False  # the modem has answered once: the "SIM" stage
        self.dead = False  # the line could not be opened
        self.registered = False
        self.want = False
        self.update = None
        self.timeout_ms = int(cfg.get("command_timeout_ms", 10000))
        self.connect_s = int(cfg.get("connect_timeout_s", 60))
        self.log_io = cfg.get("log_io", False)
        self.unsure = False  # a command timed out: its reply may still come
        self.rx_at = _time.ticks_ms()  # when the reader last had bytes
        self.limit = None  # the deadline of the app call holding the command lock (held())

    # -- one command at a time ---------------------------------------------------
    def request(self, send, timeout_ms=None, limit=None):
        """Run send() (which writes the request) under the command lock and
        wait for the reader's reply; OSError(110) when none comes. limit:
        the app call's Deadline (see held)."""
        with self.held(limit):
            return self.exchange(send, timeout_ms)

    def exchange(self, send, timeout_ms=None):
        """request() for a caller that holds the line by its own means."""
        lim = self.limit
        if self.unsure:
            self.settle(lim)
        ms = timeout_ms or self.timeout_ms
        if lim is not None and lim.end is not None:
            ms = min(ms, lim.left())
            if ms <= 0:
                raise _err(110)  # not sent: no answer can come late
        self.reply = None
        self.waiting = True
        try:
            send()
            d = Deadline(ms / 1000)
            while self.reply is None:
                if d.over():
                    self.unsure = self.SETTLE
                    raise _err(110)
                self.done.wait(min(d.left(), FOREVER))
            return self.reply
        finally:
            self.waiting = False

    def settle(self, limit=None):
        """A reply went missing: wait (at most 2 s) for the line to be quiet,
        so a late reply lands before the next command rather than being
        taken for its reply, then read the line afresh. The AT dialects
        need it (their replies name no command); API frames carry an ID.
        limit: the Deadline of the app's call; when it runs out first, the
        line stays unsure (the next command settles) and the call gets 110."""
        t = _time
        end = t.ticks_add(t.ticks_ms(), 2000)
        while t.ticks_diff(t.ticks_ms(), self.rx_at) < QUIET_MS and t.ticks_diff(end, t.ticks_ms()) > 0:
            if limit is not None and limit.over():
                raise _err(110)
            t.sleep_ms(QUIET_MS // 4)
        self.unsure = False
        self.resync()

    def held(self, limit):
        """`with drv.held(limit):` the command lock, taken by hold(limit);
        while it is held, self.limit is that call's deadline (one holder at
        a time, so one attribute serves), which the dialect's waits obey."""
        return _Held(self, limit)

    def hold(self, limit):
        """Take the command lock, but give up with 110 when the app's call
        (limit, a Deadline, or None: no end) runs out first: a command whose
        reply went missing holds the line for its own timeout, and that must
        cost only its own call. (The unix port's lock takes no timeout.)"""
        lock = self.cmdlock
        if limit is None or limit.end is None:
            lock.acquire()
            return
        while not lock.acquire(0):
            if limit.over():
                raise _err(110)
            _time.sleep_ms(5)

    def answer(self, reply):
        """The reader: this is the reply to the command in flight."""
        if self.waiting and self.reply is None:
            self.reply = reply
            self.done.wake()
            return True
        return False

    def write(self, data):
        if self.log_io:
            _p.stderr.write("qpyshim: modem <- %r\n" % (bytes(data),))
        self.line.write(data)

    # -- the reader ----------------------------------------------------------------
    def reader(self):
        line = self.line
        while True:
            try:
                if not line.readable(self.wait_ms()):
                    self.idle()
                    continue
                data = line.read(self.READ)
            except OSError:
                self.lost()
                return
            if data:
                self.rx_at = _time.ticks_ms()
                if self.log_io:
                    _p.stderr.write("qpyshim: modem -> %r\n" % (data,))
                try:
                    self.parse(data)
                except Exception as e:  # a parser bug must not end the reader
                    from .._lib import config as _config

                    _config.log("%s: dropped input after %r" % (self.NAME, e))
                    self.resync()

    def wait_ms(self):
        """How long the reader waits for bytes before idle() (a dialect
        with a frame half read wants a short look)."""
        return FOREVER

    def idle(self):
        pass

    def lost(self):
        from .._lib import config as _config

        _config.log("%s: the serial line went away" % self.NAME)
        self.drop_all(103)
        self.set_link(False)

    # -- sockets -----------------------------------------------------------------------
    def socket(self, type):
        return MSocket(self, type)

    def own(self, sock, id):
        with self.lock:
            sock.id = id
            self.socks[id] = sock

    def forget(self, sock):
        with self.lock:
            if sock.id is not None and self.socks.get(sock.id) is sock:
                del self.socks[sock.id]

    def find(self, id):
        with self.lock:
            return self.socks.get(id)

    def drop_all(self, errno):
        with self.lock:
            socks = list(self.socks.values())
            self.socks.clear()
        for s in socks:
            s.ended(errno)

    def poll_wait(self, sock, ready, seconds):
        """Wait for ready(); dialects that must ask the modem override it."""
        return wait_until(sock.ev, ready, seconds)

    def accepted(self, listener, conn):
        pass

    # -- the link behind dataCall ---------------------------------------------------------
    def start(self, auto, update):
        self.update = update
        self.want = auto
        _t.start_new_thread(self.reader, ())
        _t.start_new_thread(self._boot, ())

    def _boot(self):
        # Until the modem answers, ask again each second (a simulator or a
        # modem may come up after the board); say so once.
        from .._lib import config as _config

        told = False
        while True:
            try:
                self.init()
                break
            except OSError as e:
                if not told:
                    _config.log("%s: no answer from the modem yet (%s); still trying" % (self.NAME, e))
                    told = True
                _time.sleep_ms(1000)
        self.answered = True
        if self.want:
            try:
                self.bring_up()
            except OSError as e:
                _config.log("%s: the data link did not come up (%s)" % (self.NAME, e))

    def sim(self):
        # 18 "initializing" until the modem first answers (checkNet waits on
        # it); 0, "no card", when its line could not even be opened.
        if self.answered:
            return 1
        return 0 if self.dead else 18

    def reg(self):
        if not self.answered:
            return 0
        return 1 if self.registered else (2 if self.want else 0)

    def bring(self, up, ctx):
        self.want = up
        try:
            if up:
                self.bring_up(ctx)
            else:
                self.bring_down()
        except OSError:
            return -1
        return 0 if self.up == up else -1

    def set_link(self, up, ip=None):
        """The data context came or went: dataCall's profile 1 follows."""
        with self.lock:
            changed = self.up != up
            self.up = up
            if ip:
                self.ip = ip
        if not up:
            self.registered = self.registered and self.answered
        if changed and self.update is not None:
            self.update(1, up, self.ip if up else None, None)
