# QuecPython utime: the interpreter's time functions plus a settable timezone.
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


# Years 1-9999: what every port's gmtime converts. Past them the unix port's
# crashes (a segfault from about 1e17 s) and CPython's raises OSError or
# OverflowError; the module wraps the value into its 32-bit word.
_FIRST = -62135596800
_LAST = 253402300799


def localtime(secs=None):
    if secs is None:
        secs = time()
    elif not isinstance(secs, int):
        # The module reads secs with mp_obj_get_int: a float (nan, 1e20) is TypeError.
        raise TypeError("can't convert %s to int" % type(secs).__name__)
    secs += _tz * 3600
    if not _FIRST <= secs <= _LAST:
        raise OverflowError("timestamp out of range: years 1-9999")
    return tuple(_t.gmtime(secs)[:8])


def mktime(date):
    if not isinstance(date, (tuple, list)) or len(date) not in (8, 9):
        raise TypeError("mktime needs a tuple of 8 or 9 items")
    for v in date[:6]:  # the module reads each with mp_obj_get_int
        if not isinstance(v, int):
            raise TypeError("can't convert %s to int" % type(v).__name__)
        if not -0x80000000 <= v <= 0x7FFFFFFF:
            raise OverflowError("overflow converting long int to machine word")
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
