# The one UART a WIP modem has, shared by every socket: it is in AT mode or
# mapped to one socket (AT+WIPDATA=<p>,<i>,1 -> CONNECT). Data flows only
# while mapped, URCs only come in AT mode, and leaving a mapping costs a
# guard time of silence either side of "+++". So the UART stays mapped to
# the socket in use; app threads (never the reader) give it up when another
# socket needs it, or when it has been idle 2 guard times while a thread
# waits for a URC (+WIPACCEPT, +WIPREADY, +WIPDATA for another socket).
from ._port import port as _p
from ._mcore import Deadline, FOREVER, wait_until, LISTENING

_err = _p.oserror
_time = _p.time

# +CME ERROR codes -> errno. The WIP guides give the codes' meanings; 845
# (index reserved) and 848 (name not found) are our picks where they give
# none (see qpyshim/modemsim/wip.py).
ERRNO = {800: 22, 801: 22, 802: 105, 803: 101, 830: 9, 831: 9, 834: 95, 837: 93, 838: 23,
         840: 98, 842: 113, 843: 104, 845: 98, 848: -202}
# A create's failure comes later as a bare +CME ERROR that names no socket;
# these codes never answer one of our commands, so they go to the oldest
# create in flight even while a command waits.
LATE = (842, 843, 848)
RECHECK_MS = 5000  # a thread waiting this long for a URC asks the modem itself


def sid(proto, idx):
    """Our id for the modem's (protocol, index): one int, as the table wants."""
    return proto * 16 + idx


def code(line):
    t = line[11:].strip()
    return int(t) if t.isdigit() else 0


def errno_of(reply):
    if reply.startswith(b"+CME ERROR:"):
        return ERRNO.get(code(reply), 5)
    return 5


class Line:
    """The UART's side of the driver (a mixin of Wip, which has the reader).
    Everything here runs in app threads; the command lock is the line."""

    def __init__(self, cfg):
        self.guard = int(cfg.get("guard_ms", 1000))
        self.idle_ms = 2 * self.guard
        self.baud = int(cfg.get("baudrate", 115200))
        self.cur = None  # id the UART is mapped to
        self.after = None  # id whose session just ended: the next line says why
        self.escapes = 0  # +++ sent for the current mapping that got no answer
        self.mapping = None  # id the AT+WIPDATA in flight maps
        self.collect = None  # the prefix of the info lines the command in flight answers with
        self.info = []
        now = _time.ticks_ms()
        self.last_io = now  # the mapped socket's last byte, either way
        self.tx_end = now  # when the last byte written will have left the UART

    # -- commands (command lock held) ---------------------------------------------
    def _write(self, data):
        now = _time.ticks_ms()
        if _time.ticks_diff(self.tx_end, now) < 0:
            self.tx_end = now
        # 11 bit times a byte, not 10: the far end may read a little behind
        # the line rate, and a +++ that comes too soon is sent as data.
        self.tx_end = _time.ticks_add(self.tx_end, len(data) * 11000 // self.baud + 1)
        self.write(data)

    def _until(self, ev, ready, ms):
        lim = self.limit  # the app call holding the line ends by then (see Driver.held)
        if lim is not None and lim.end is not None:
            ms = min(ms, lim.left())
        return wait_until(ev, ready, ms / 1000)

    def _at(self, cmd, timeout_ms=None, collect=None):
        """Send one command (in AT mode); its final result line."""
        lim = self.limit
        if lim is not None and lim.over():
            raise _err(110)  # not written: no answer can come late and be taken for the next one's
        self.reply = None
        self.info = []
        self.collect = collect
        self.waiting = True
        try:
            self._write((cmd + "\r").encode())
            if not self._until(self.done, lambda: self.reply is not None, timeout_ms or self.timeout_ms):
                raise _err(110)
            return self.reply
        finally:
            self.waiting = False
            self.collect = None

    def _ok(self, cmd, fine=(), timeout_ms=None, collect=None, errs=None):
        """A command that must answer OK (or a +CME ERROR in `fine`): its info lines."""
        r = self._at(cmd, timeout_ms, collect)
        if r == b"OK" or (r.startswith(b"+CME ERROR:") and code(r) in fine):
            return self.info
        if errs and r.startswith(b"+CME ERROR:") and code(r) in errs:
            raise _err(errs[code(r)])
        raise _err(errno_of(r))

    # -- mapping ------------------------------------------------------------------------
    def _map(self, id):
        if self.cur == id:
            return
        self._to_at()
        self.mapping = id
        try:
            r = self._at("AT+WIPDATA=%d,%d,1" % (id >> 4, id & 15))
        except OSError:
            self.mapping = None
            if self.cur is None:
                self._escape_blind()  # a CONNECT we never read leaves the modem mapped
            raise
        self.mapping = None
        if r != b"CONNECT":
            raise _err(errno_of(r))
        self.escapes = 0

    def _to_at(self):
        if self.cur is not None:
            self._unmap()
        while self.orphans:
            with self.lock:
                id = self.orphans.pop(0) if self.orphans else None
            if id is not None:
                self._reap(id)

    def _quiet(self):
        # The guard before +++: silence after the last byte has left the UART
        # (plus a margin for the far end's clock).
        ms = _time.ticks_diff(_time.ticks_add(self.tx_end, self.guard + self.guard // 5 + 20), _time.ticks_ms())
        if ms > 0:
            _time.sleep_ms(ms)

    def _unmap(self):
        # The modem answers our +++ (after its own guard) with an ETX and OK;
        # a session the peer ended meanwhile ends with its own reason line.
        # Unanswered escapes are counted across calls, so a call cut short
        # by its timeout still moves the line on (see _at_mode).
        for _ in range(3):
            if self.escapes >= 2:
                self.escapes = 0
                if self._at_mode():
                    return
            self._quiet()
            self._write(b"+++")
            if self._escaped():
                self.escapes = 0
                return
            self.escapes += 1
            lim = self.limit
            if lim is not None and lim.over():
                break
        raise _err(110)  # still mapped: the next call tries again

    def _escaped(self):
        # Its answer comes a guard time after the +++, behind whatever the
        # mapped socket still sends: wait while that data flows.
        d = Deadline((2 * self.guard + self.timeout_ms) / 1000)
        while True:
            if self._until(self.done, lambda: self.cur is None and self.after is None, 2 * self.guard + 1000):
                return True
            lim = self.limit
            if d.over() or (lim is not None and lim.over()) or _time.ticks_diff(_time.ticks_ms(), self.rx_at) > 1000:
                return False

    def _at_mode(self):
        # No ETX and OK for two escapes: the first may have been taken and its
        # answer lost, leaving the modem in AT mode, where +++ is no command
        # and gets no answer. A CR ends that stray line; then AT answers
        # (OK, or ERROR for the stray line) only in AT mode.
        cur, rd = self.cur, self.rd
        mode = rd.mode
        self.cur = None
        rd.reset()
        try:
            self._write(b"\r")
            r = self._at("AT", 1000)
        except OSError:
            self.cur = cur  # no answer: still mapped, as far as we can tell
            rd.mode = mode
            return False
        if r in (b"OK", b"ERROR"):
            self.after = None
            return True
        self.cur = cur
        rd.mode = mode
        return False

    def _escape_blind(self):
        # The line's state is unknown: an escape, and an OK if it was mapped.
        self._quiet()
        self.reply = None
        self.waiting = True
        try:
            self._write(b"+++")
            self._until(self.done, lambda: self.reply is not None, 2 * self.guard + 1000)
        finally:
            self.waiting = False
        self.cur = self.after = None

    # -- waiting (app threads, no lock held) --------------------------------------------
    def _stir(self):
        # The UART changed hands: every waiter looks at it again.
        with self.lock:
            socks = list(self.socks.values())
        for s in socks:
            s.ev.wake()

    def _unread(self, sock):
        # The id to map to read what the modem announced for sock, if any.
        cur = self.cur
        if sock.type == 1:
            if sock.pending and sock.id != cur and self.find(sock.id) is sock:
                return sock.id
            return None
        with sock.lock:
            held = list(sock.extra.held.items())
        for i, n in held:
            if n and (i + 16) != cur:
                return i + 16
        return None

    def _needs_urcs(self, sock):
        x = sock.extra
        if sock.st == LISTENING or x.creating:
            return True
        cur = self.cur
        if sock.type == 1:
            return cur != sock.id
        if cur is None or cur >> 4 != 1:
            return True
        with sock.lock:
            return x.udp.get(cur & 15) is None

    def _yield_line(self):
        with self.cmdlock:
            if self.cur is not None and _time.ticks_diff(_time.ticks_ms(), self.last_io) >= self.idle_ms:
                try:
                    self._unmap()
                except OSError:
                    pass

    def poll_wait(self, sock, ready, seconds):
        d = Deadline(seconds)
        checked = _time.ticks_ms()
        looked = False  # a non-blocking call still gets one look at the modem
        while True:
            if ready():
                if sock.st == LISTENING:
                    self._peers(sock)
                return True
            if looked and (seconds == 0 or d.over()):
                return False
            looked = True
            id = self._unread(sock)
            if id is not None:
                try:
                    with self.held(d if seconds else None):
                        self._map(id)
                except OSError:
                    with sock.lock:  # the modem won't give it: don't ask again and again
                        sock.extra.held[id & 15] = 0
                        if sock.type == 2 and sock.extra.udp.get(id & 15, 1) is None:
                            sock.extra.ann = []  # sources of datagrams that will not come
                        sock.pending = 0 if sock.type == 1 else sum(sock.extra.held.values())
                continue
            urcs = self._needs_urcs(sock) and self.cur is not None
            idle = _time.ticks_diff(_time.ticks_ms(), self.last_io)
            if urcs and idle >= self.idle_ms:
                self._yield_line()
                continue
            if seconds == 0 or d.over():
                return False
            ms = min(d.left(), FOREVER)
            if urcs:
                ms = max(1, min(ms, self.idle_ms - idle))
            elif self.cur is None and self._needs_urcs(sock):
                # A URC garbled on the line would leave us waiting for good:
                # after a while in AT mode, ask the modem what it holds.
                quiet = _time.ticks_diff(_time.ticks_ms(), checked)
                if quiet >= RECHECK_MS:
                    self._recheck(sock)
                    checked = _time.ticks_ms()
                    continue
                ms = max(1, min(ms, RECHECK_MS - quiet))
            sock.ev.wait(ms)
