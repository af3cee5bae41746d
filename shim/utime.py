# QuecPython utime: the interpreter's time functions plus a settable timezone.
from ._port import port as _p
from . import _thread

_t = _p.time
_tz = 0  # hours east of UTC
_rtc = [0]  # seconds the board's RTC is set ahead of the host clock (machine.RTC, ntptime)

ticks_ms = _t.ticks_ms
ticks_us = _t.ticks_us
ticks_cpu = _t.ticks_cpu
ticks_diff = _t.ticks_diff
ticks_add = _t.ticks_add


def time():
    return int(_t.time()) + _rtc[0]  # whole seconds on the module; the unix port gives a float


# Sleeps are where a thread asked to stop with _thread.stop_thread() stops.
def sleep(seconds):
    _t.sleep(seconds)
    _thread.check_stop()


def sleep_ms(ms):
    _t.sleep_ms(ms)
    _thread.check_stop()


def sleep_us(us):
    _t.sleep_us(us)
    _thread.check_stop()


def localtime(secs=None):
    if secs is None:
        secs = time()
    return tuple(_t.gmtime(secs + _tz * 3600)[:8])


def mktime(date):
    return _t.mktime(tuple(date[:6]) + (0, 0)) - _tz * 3600


def getTimeZone():
    return _tz


def setTimeZone(offset):
    global _tz
    if not isinstance(offset, int) or not -12 <= offset <= 12:
        raise ValueError("invalid value, timezone should be in [-12, +12].")
    _tz = offset
    return 0
