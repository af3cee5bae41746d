# One thread runs every armed timer (osTimer, machine.Timer, the watchdog), as
# the module's timer task does: callbacks run one after another on it, and a
# timer armed again replaces its earlier arming. While any timer is armed the
# board stays up, even after main.py has returned.
from .._ports import port as _p
from .. import _thread

_t = _p.time
_lock = _p.thread.allocate_lock()
_armed = []  # [due_ticks, period_ms or 0, fn, arg, owner, ms still to wait after due_ticks]
# A wait longer than half the ticks' range would read as past at once (on a
# port whose ticks wrap at 2**30 ms, anything over 6.2 days): long waits are
# taken in steps of _SPAN.
_SPAN = 1 << 28
_waker = None
_running = False


def _split(ms):
    return (ms, 0) if ms <= _SPAN else (_SPAN, ms - _SPAN)


def arm(owner, ms, periodic, fn, arg):
    global _waker, _running
    if not isinstance(ms, int) or ms < 0:
        raise ValueError("timer period must be an int >= 0 ms")
    step, rest = _split(ms)
    with _lock:
        _drop(owner)
        _armed.append([_t.ticks_add(_t.ticks_ms(), step), ms if periodic else 0, fn, arg, owner, rest])
        if _waker is None:
            _waker = _p.waker()
        if not _running:
            _thread.hold(1)
            try:
                _p.thread.start_new_thread(_loop, ())
            except BaseException:
                _armed.pop()
                _thread.hold(-1)  # no loop: the board needn't stay up for it
                raise
            _running = True
    _waker.wake()


def os_start(timer, initialTime, cyclialEn, callback):
    # osTimer.start(): the module's checks, then an arming like any other.
    if not isinstance(initialTime, int) or initialTime < 0:
        raise ValueError("initialTime should be a time in ms >= 0")
    if initialTime > 0x7FFFFFFF:  # the module reads it into its 32-bit word
        raise OverflowError("overflow converting long int to machine word")
    if cyclialEn not in (0, 1):
        raise ValueError("cyclialEn should be 0 or 1")
    if not callable(callback):
        raise TypeError("callback should be callable")
    arm(timer, initialTime or 1, cyclialEn, callback, None)
    return 0


def cancel(owner):
    """Disarm owner's timer; True when it was armed."""
    with _lock:
        return _drop(owner)


def armed(owner):
    with _lock:
        for e in _armed:
            if e[4] is owner:
                return True
    return False


def _drop(owner):
    for i in range(len(_armed)):
        if _armed[i][4] is owner:
            del _armed[i]
            return True
    return False


def _due():
    """Take the timers whose time has come; returns (due, ms to the next)."""
    global _running
    due = []
    wait = 1000
    with _lock:
        if not _armed:
            _running = False
            return None, 0
        now = _t.ticks_ms()
        for e in list(_armed):
            left = _t.ticks_diff(e[0], now)
            if left <= 0 and e[5]:  # a long wait: its next step
                step, e[5] = _split(e[5])
                e[0] = _t.ticks_add(e[0], step)
                left = _t.ticks_diff(e[0], now)
            if left <= 0:
                due.append(e)
                if e[1]:
                    step, e[5] = _split(e[1])
                    nxt = _t.ticks_add(e[0], step)
                    # A callback slower than its period: skip the missed ticks.
                    e[0] = nxt if _t.ticks_diff(nxt, now) > 0 else _t.ticks_add(now, step)
                    left = _t.ticks_diff(e[0], now)
                else:
                    _armed.remove(e)
                    continue
            if left < wait:
                wait = left
    return due, wait


def _loop():
    global _running
    ended = False  # _due() found nothing armed and cleared _running itself
    try:
        while True:
            due, wait = _due()
            if due is None:
                ended = True
                return
            for e in due:
                try:
                    e[2](e[3])
                except BaseException as ex:  # noqa: B036  even sys.exit() in one must not stop the others
                    _p.stderr.write("qpyshim: timer callback %r failed\n" % (e[2],))
                    _p.print_exception(ex)
            if not due:
                _waker.wait(wait)
    finally:
        if not ended:
            with _lock:
                _running = False  # the next arm() starts a new loop
        _thread.hold(-1)
