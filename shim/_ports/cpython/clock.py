# MicroPython's time API over CPython's clocks (ticks wrap at 2**30 as on the
# module) and the timed wait the timers sleep in.
import time as _time


class time:
    """The MicroPython `time` API over CPython's clocks."""

    _T0 = _time.monotonic_ns()
    _MASK = 0x3FFFFFFF  # ticks wrap as on the module

    sleep = staticmethod(_time.sleep)
    time = staticmethod(lambda: int(_time.time()))
    time_ns = staticmethod(_time.time_ns)

    @staticmethod
    def sleep_ms(ms):
        _time.sleep(ms / 1000)

    @staticmethod
    def sleep_us(us):
        _time.sleep(us / 1000000)

    @classmethod
    def ticks_ms(cls):
        return ((_time.monotonic_ns() - cls._T0) // 1000000) & cls._MASK

    @classmethod
    def ticks_us(cls):
        return ((_time.monotonic_ns() - cls._T0) // 1000) & cls._MASK

    ticks_cpu = ticks_us

    @classmethod
    def ticks_diff(cls, ticks1, ticks2):
        half = (cls._MASK + 1) // 2
        return ((ticks1 - ticks2 + half) & cls._MASK) - half

    @classmethod
    def ticks_add(cls, t, delta):
        return (t + delta) & cls._MASK

    @staticmethod
    def gmtime(secs=None):
        t = _time.gmtime(secs)
        return t[:6] + (t.tm_wday, t.tm_yday)

    localtime = gmtime

    @staticmethod
    def mktime(t):
        import calendar

        return calendar.timegm(tuple(t[:6]) + (0, 0, 0))


class _Waker:
    def __init__(self):
        import threading

        self._e = threading.Event()

    def wait(self, ms):
        self._e.wait(ms / 1000)
        self._e.clear()

    def wake(self):
        self._e.set()


def waker():
    return _Waker()
