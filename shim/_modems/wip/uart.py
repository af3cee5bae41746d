# The one UART a WIP modem has, shared by every socket: it is in AT mode or
# mapped to one socket (AT+WIPDATA=<p>,<i>,1 -> CONNECT). Data flows only
# while mapped, URCs only come in AT mode, and leaving a mapping costs a
# guard time of silence either side of "+++". So the UART stays mapped to
# the socket in use; app threads (never the reader) give it up when another
# socket needs it, or when it has been idle 2 guard times while a thread
# waits for a URC (+WIPACCEPT, +WIPREADY, +WIPDATA for another socket).
#
# Uart owns that state (which socket has the UART, the command in flight's
# info lines) and the codec that cuts the modem's output. The reader thread
# feeds it; app threads run commands through it with the command lock held.
# It reaches the driver through core.Driver's command slot (reply, waiting,
# done, answer, write, limit, rx_at), find(), stir(), reap_orphans() and
# the URC functions (urcs.py) it hands socket news to.
from ..._ports import port as _p
from ..core import Deadline, wait_until
from . import urcs
from .codec import Stream, STREAM, DGRAMS, LATE, code, errno_of

_err = _p.oserror
_time = _p.time


class Uart:
    def __init__(self, drv, cfg):
        self.d = drv
        self.rd = Stream(self._line, self._data, self._dgram, self._end)
        self.guard = int(cfg.get("guard_ms", 1000))
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

    def forget(self, why=True):
        """The modem dropped every session: the UART is in AT mode (and,
        with why, no session's end is left to explain)."""
        self.cur = None
        if why:
            self.after = None

    def idle(self):
        """ms since the mapped socket's last byte."""
        return _time.ticks_diff(_time.ticks_ms(), self.last_io)

    def yield_idle(self):
        # Command lock held: an idle mapping goes, so URCs can come.
        if self.cur is not None and self.idle() >= 2 * self.guard:
            try:
                self._unmap()
            except OSError:
                pass

    # -- the reader thread --------------------------------------------------------------
    def feed(self, data):
        self.rd.feed(bytes(data))

    def reset(self):
        self.rd.reset()
        self.cur = self.after = None

    def _data(self, chunk):
        self.last_io = _time.ticks_ms()
        s = self.d.find(self.cur)
        if s is not None:
            s.feed(chunk)

    def _dgram(self, data):
        self.last_io = _time.ticks_ms()
        id = self.cur
        s = self.d.find(id)
        if s is None:
            return
        x = s.extra
        with s.lock:
            peer = x.udp.get(id & 15)
            if peer is None:
                peer = x.ann.pop(0) if x.ann else ("0.0.0.0", 0)
        s.datagram(data, peer)

    def _end(self):
        self.after = self.cur  # the next line says why the session ended
        self.cur = None
        self.d.done.wake()
        self.d.stir()

    def _line(self, line):
        d = self.d
        if line[:2] in (b"AT", b"at"):
            return  # our own command echoed (the modem boots with ATE1)
        why = self.after
        if why is not None:
            self.after = None
            d.done.wake()
            if line == b"OK":
                return  # our +++ was taken
            if line.startswith(b"+CME ERROR:"):
                urcs.ended(d, why, line)
                return
        if line == b"OK" or line == b"ERROR":
            d.answer(line)
        elif line == b"CONNECT":
            self._connected(line)
        elif line.startswith(b"+CME ERROR:"):
            n = code(line)
            if d.creates and (n in LATE or not d.waiting):
                urcs.failed(d, n)
            else:
                d.answer(line)
        elif self.collect and line.startswith(self.collect) and (line[:7] != b"+WIPBR:" or line.count(b",") == 2):
            self.info.append(line)
        elif line.startswith(b"+WIP") or line.startswith(b"+WIND:"):
            try:
                urcs.urc(d, line)
            except (ValueError, IndexError):
                pass  # a garbled URC: nothing to act on

    def _connected(self, line):
        d = self.d
        id = self.mapping
        if id is None or not d.waiting:
            return  # a CONNECT nobody asked for
        urcs.mapped(d, id)
        self.cur = id
        self.rd.mode = STREAM if id >> 4 == 2 else DGRAMS
        self.last_io = _time.ticks_ms()
        d.answer(line)
        d.stir()

    # -- commands (command lock held) ---------------------------------------------
    def write(self, data):
        now = _time.ticks_ms()
        if _time.ticks_diff(self.tx_end, now) < 0:
            self.tx_end = now
        # 11 bit times a byte, not 10: the far end may read a little behind
        # the line rate, and a +++ that comes too soon is sent as data.
        self.tx_end = _time.ticks_add(self.tx_end, len(data) * 11000 // self.baud + 1)
        self.d.write(data)

    def until(self, ev, ready, ms):
        lim = self.d.limit  # the app call holding the line ends by then (see Driver.held)
        if lim is not None and lim.end is not None:
            ms = min(ms, lim.left())
        return wait_until(ev, ready, ms / 1000)

    def at(self, cmd, timeout_ms=None, collect=None):
        """Send one command (in AT mode); its final result line."""
        lim = self.d.limit
        if lim is not None and lim.over():
            raise _err(110)  # not written: no answer can come late and be taken for the next one's
        self.d.reply = None
        self.info = []
        self.collect = collect
        self.d.waiting = True
        try:
            self.write((cmd + "\r").encode())
            if not self.until(self.d.done, lambda: self.d.reply is not None, timeout_ms or self.d.timeout_ms):
                raise _err(110)
            return self.d.reply
        finally:
            self.d.waiting = False
            self.collect = None

    def ok(self, cmd, fine=(), timeout_ms=None, collect=None, errs=None):
        """A command that must answer OK (or a +CME ERROR in `fine`): its info lines."""
        r = self.at(cmd, timeout_ms, collect)
        if r == b"OK" or (r.startswith(b"+CME ERROR:") and code(r) in fine):
            return self.info
        if errs and r.startswith(b"+CME ERROR:") and code(r) in errs:
            raise _err(errs[code(r)])
        raise _err(errno_of(r))

    def send(self, data):
        """Bytes (escaped) for the mapped socket: the mapping is in use."""
        self.write(data)
        self.last_io = _time.ticks_ms()

    # -- mapping ------------------------------------------------------------------------
    def map(self, id):
        if self.cur == id:
            return
        self.to_at()
        self.mapping = id
        try:
            r = self.at("AT+WIPDATA=%d,%d,1" % (id >> 4, id & 15))
        except OSError:
            self.mapping = None
            if self.cur is None:
                self.escape_blind()  # a CONNECT we never read leaves the modem mapped
            raise
        self.mapping = None
        if r != b"CONNECT":
            raise _err(errno_of(r))
        self.escapes = 0

    def to_at(self):
        """AT mode (the command lock held), and the orphans closed."""
        if self.cur is not None:
            self._unmap()
        self.d.reap_orphans()

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
            self.write(b"+++")
            if self._escaped():
                self.escapes = 0
                return
            self.escapes += 1
            lim = self.d.limit
            if lim is not None and lim.over():
                break
        raise _err(110)  # still mapped: the next call tries again

    def _escaped(self):
        # Its answer comes a guard time after the +++, behind whatever the
        # mapped socket still sends: wait while that data flows.
        d = Deadline((2 * self.guard + self.d.timeout_ms) / 1000)
        while True:
            if self.until(self.d.done, lambda: self.cur is None and self.after is None, 2 * self.guard + 1000):
                return True
            lim = self.d.limit
            if d.over() or (lim is not None and lim.over()) or _time.ticks_diff(_time.ticks_ms(), self.d.rx_at) > 1000:
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
            self.write(b"\r")
            r = self.at("AT", 1000)
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

    def escape_blind(self):
        # The line's state is unknown: an escape, and an OK if it was mapped.
        self._quiet()
        self.d.reply = None
        self.d.waiting = True
        try:
            self.write(b"+++")
            self.until(self.d.done, lambda: self.d.reply is not None, 2 * self.guard + 1000)
        finally:
            self.d.waiting = False
        self.cur = self.after = None

