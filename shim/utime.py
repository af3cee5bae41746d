# QuecPython utime: the interpreter's time functions plus a settable timezone.
from ._port import port as _p
from . import _thread

_t = _p.time
_tz = 0  # hours east of UTC
_rtc = [0]  # seconds the board's RTC is set ahead of the host clock (machine.RTC, ntptime)

if _p.TICKS_30:  # the interpreter's counters already wrap at 2**30, as the module's
    ticks_ms = _t.ticks_ms
    ticks_us = _t.ticks_us
    ticks_cpu = _t.ticks_cpu
    ticks_diff = _t.ticks_diff
    ticks_add = _t.ticks_add
else:
    from ._ticks30 import ticks_ms, ticks_us, ticks_cpu, ticks_diff, ticks_add


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
    if not isinstance(date, (tuple, list)) or len(date) not in (8, 9):
        raise TypeError("mktime needs a tuple of 8 or 9 items")
    return _utc(date[0], date[1], date[2], date[3], date[4], date[5]) - _tz * 3600


def _utc(y, mo, d, h, mi, s):
    # Seconds since 1970 of a UTC date, in Python: the unix port's mktime is
    # libc's, which reads the host's time zone.
    y -= mo <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (mo + (-3 if mo > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    days = era * 146097 + doe - 719468
    return ((days * 24 + h) * 60 + mi) * 60 + s


def getTimeZone():
    return _tz


def setTimeZone(offset):
    global _tz
    if not isinstance(offset, int) or not -12 <= offset <= 12:
        raise ValueError("invalid value, timezone should be in [-12, +12].")
    _tz = offset
    return 0
