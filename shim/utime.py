# QuecPython utime: the interpreter's time functions plus a settable timezone;
# localtime and mktime load on their first use (shim/_lib/clock.py).
from ._ports import port as _p
from . import _thread

_t = _p.time
_tz = 0  # hours east of UTC
_rtc = [0]  # seconds the board's RTC is set ahead of the host clock (machine.RTC, ntptime)

if _p.TICKS_30:  # the interpreter's counters already wrap at 2**30, as the module's
    ticks_ms = _t.ticks_ms
    ticks_us = _t.ticks_us
    ticks_cpu = _t.ticks_cpu
    ticks_diff = _t.ticks_diff

    def ticks_add(ticks, delta):
        # A port's own may wrap a delta past +-2**29 silently (CPython's
        # does) where MicroPython's raises this.
        if not -0x20000000 <= delta < 0x20000000:
            raise OverflowError("ticks interval overflow")
        return _t.ticks_add(ticks, delta)
else:
    from ._desktop.ticks30 import ticks_ms, ticks_us, ticks_cpu, ticks_diff, ticks_add


def time():
    return int(_t.time()) + _rtc[0]  # whole seconds on the module; the unix port gives a float


# Sleeps are where a thread asked to stop with _thread.stop_thread() stops.
def sleep(seconds):
    if not seconds >= 0:  # also NaN; the ports disagree (EINVAL, ValueError, a wait of years)
        raise ValueError("sleep length must be non-negative")
    _t.sleep(seconds)
    _thread.check_stop()


def sleep_ms(ms):
    if ms > 0:  # MicroPython's sleep_ms skips a negative wait
        _t.sleep_ms(ms)
    _thread.check_stop()


def sleep_us(us):
    if us > 0:
        _t.sleep_us(us)
    _thread.check_stop()


def getTimeZone():
    return _tz


def setTimeZone(offset):
    global _tz
    if not isinstance(offset, int) or not -12 <= offset <= 12:
        raise ValueError("invalid value, timezone should be in [-12, +12].")
    _tz = offset
    return 0


def __getattr__(name):
    # localtime and mktime (shim/_lib/clock.py): loaded on first use.
    from ._lib import later

    return later.attr(globals(), name, "_lib.clock")
