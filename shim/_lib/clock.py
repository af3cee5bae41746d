# utime's calendar: localtime and mktime in the board's time zone (utime._tz),
# loaded on first use (shim/utime.py).
from .._ports import port as _p
from .. import utime

# Years 1-9999: what every port's gmtime converts. Past them the unix port's
# crashes (a segfault from about 1e17 s) and CPython's raises OSError or
# OverflowError; the module wraps the value into its 32-bit word.
_FIRST = -62135596800
_LAST = 253402300799


def localtime(secs=None):
    if secs is None:
        secs = utime.time()
    elif not isinstance(secs, int):
        # The module reads secs with mp_obj_get_int: a float (nan, 1e20) is TypeError.
        raise TypeError("can't convert %s to int" % type(secs).__name__)
    secs += utime._tz * 3600
    if not _FIRST <= secs <= _LAST:
        raise OverflowError("timestamp out of range: years 1-9999")
    return tuple(_p.time.gmtime(secs)[:8])


def mktime(date):
    if not isinstance(date, (tuple, list)) or len(date) not in (8, 9):
        raise TypeError("mktime needs a tuple of 8 or 9 items")
    for v in date[:6]:  # the module reads each with mp_obj_get_int
        if not isinstance(v, int):
            raise TypeError("can't convert %s to int" % type(v).__name__)
        if not -0x80000000 <= v <= 0x7FFFFFFF:
            raise OverflowError("overflow converting long int to machine word")
    return _utc(date[0], date[1], date[2], date[3], date[4], date[5]) - utime._tz * 3600


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
