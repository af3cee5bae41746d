# machine.Timer, machine.WDT and machine.RTC on the shim's timer thread.
# Timer periods are in ms (PERIODIC 1, ONE_SHOT 2); starting a running timer
# only takes its new callback, as on the module. The watchdog's period is in
# seconds and, unfed, it reboots the board.
from .._ports import port as _p
from . import timers as _timers


class Timer:
    Timer0 = 0
    Timer1 = 1
    Timer2 = 2
    Timer3 = 3
    PERIODIC = 1
    ONE_SHOT = 2

    def __init__(self, Timern):
        if Timern not in (0, 1, 2, 3):
            raise ValueError("invalid Timer number")
        self._n = Timern
        self._cb = None
        self._started = False

    def _fire(self, _):
        cb = self._cb
        if cb is not None:
            cb(self)  # the older firmware passes the timer; examples call t.stop() on it

    # The firmware takes these as keywords only; the stub and every example
    # name them, and positional calls are accepted here as the stub shows.
    def start(self, period=None, mode=1, callback=None, tick_hz=1000, freq=None):
        if freq is not None:
            period = 1000 // freq
        if not isinstance(period, int) or period < 1:
            raise ValueError("period should be a time in ms >= 1")
        if period > 0x7FFFFFFF:
            raise OverflowError("period should fit the module's 32-bit ms count")
        if mode not in (1, 2):
            raise ValueError("mode should be Timer.PERIODIC or Timer.ONE_SHOT")
        if callback is not None and not callable(callback):
            raise ValueError("callback should be callable")
        self._cb = callback
        if _timers.armed(self):
            return 0  # running: only the callback changes
        self._started = True
        _timers.arm(self, period, mode == 1, self._fire, None)
        return 0

    def stop(self):
        _timers.cancel(self)
        return 0 if self._started else -1


class WDT:
    _one = None

    def __new__(cls, period=None):
        if cls._one is None:
            one = object.__new__(cls)
            one._ms = None  # every attribute before another thread can see the object
            cls._one = one
        return cls._one

    def __init__(self, period=None):
        if period is not None:
            if not isinstance(period, int) or period < 1:
                raise ValueError("period should be a time in seconds >= 1")
            if period > 0x7FFFFFFF // 1000:
                raise OverflowError("period should fit the module's 32-bit ms count")
            self._ms = period * 1000
            self.feed()
        elif self._ms is None:
            raise ValueError("WDT needs a period (seconds) the first time")

    def _bite(self, _):
        _p.stderr.write("qpyshim: watchdog not fed for %d s: rebooting\n" % (self._ms // 1000))
        _p.power("watchdog")

    def feed(self):
        _timers.arm(WDT, self._ms, False, self._bite, None)
        return 0

    def stop(self):
        _timers.cancel(WDT)
        return 0


class RTC:
    # QuecPython's datetime: (year, month, day, week 0=Sunday, hour, minute,
    # second, 0) in local time; setting moves this RTC, not the host's clock.
    def datetime(self, args=()):
        from .. import utime

        if not args:
            t = utime.localtime()
            return (t[0], t[1], t[2], (t[6] + 1) % 7, t[3], t[4], t[5], 0)
        if not isinstance(args, (tuple, list)) or len(args) != 8:
            raise ValueError("requested length 8 but object has length %d" % len(args))
        secs = utime.mktime((args[0], args[1], args[2], args[4], args[5], args[6], 0, 0))
        utime._rtc[0] += secs - utime.time()
        return 0

    _alarm = None  # seconds, on the RTC's clock
    _cb = None

    def set_alarm(self, data_e):
        from .. import utime

        if not isinstance(data_e, (tuple, list)) or len(data_e) != 8:
            raise ValueError("requested length 8")
        at = utime.mktime((data_e[0], data_e[1], data_e[2], data_e[4], data_e[5], data_e[6], 0, 0))
        if at <= utime.time():
            return -1  # an alarm in the past
        RTC._alarm = at
        return 0

    def register_callback(self, fun):
        if not callable(fun):
            return -1
        RTC._cb = fun
        return 0

    def _ring(self, _):
        if RTC._cb is not None:
            RTC._cb(None)

    def enable_alarm(self, on_off):
        from .. import utime

        if on_off not in (0, 1):
            return -1
        if not on_off:
            _timers.cancel(RTC)
            return 0
        if RTC._alarm is None:
            return -1
        left = RTC._alarm - utime.time()
        _timers.arm(RTC, max(1, left * 1000), False, self._ring, None)
        return 0
