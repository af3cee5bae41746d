# misc.PWM on the desktop board: nothing oscillates, but what the app set up
# is kept per channel for a test to read through the control channel.
# Constants, ranges, messages and the shared object per channel follow
# QuecPython/micropython v1.0.0 ports/quectel/misc_pwm.c (the Unisoc table,
# the one the docs give: API_reference/en/peripherals/misc.PWM.md); the older
# PWM(PWMn, highTime, cycleTime) form in ms is QuecPython's wiki's
# (docs/study/zh-cn/study/QuecPythonSub/PWM.md).
ABOVE_1US = 0
ABOVE_MS = 1
ABOVE_10US = 2
ABOVE_BELOW_US = 3
# (exclusive low, inclusive high) bound of highTime and cycleTime per range
_RANGE = ((0, 10000), (0, 10), (1, 10000), (99, 65535))
_HZ = (1000000, 1000, 1000000, 1000000000)  # what the firmware divides by cycleTime
_BAD = "PWM parameter error, please refer to wiki instructions to correct the parameters"

# per channel: None, or (range, highTime, cycleTime, running); a whole tuple
# is stored at once, so the control thread never reads half a change
channels = [None, None, None, None]


def _int(v):
    if not isinstance(v, int):
        raise TypeError("can't convert %s to int" % type(v).__name__)
    return v


def _check(rng, high, cycle, bounds=None):
    rng, high, cycle = _int(rng), _int(high), _int(cycle)
    if not 0 <= rng <= ABOVE_BELOW_US:
        raise ValueError(_BAD)
    lo, hi = bounds or _RANGE[rng]
    if not (lo < high <= hi and lo < cycle <= hi and high <= cycle):
        raise ValueError(_BAD)
    return rng, high, cycle


def state():
    out = {}
    for n, c in enumerate(channels):
        if c is not None:
            rng, high, cycle, on = c
            out[str(n)] = {"open": on, "range": rng, "high": high, "cycle": cycle,
                           "freq": _HZ[rng] / cycle, "duty": high / cycle}
    return out


class PWM:
    PWM0 = 0
    PWM1 = 1
    PWM2 = 2
    PWM3 = 3
    ABOVE_1US = ABOVE_1US
    ABOVE_MS = ABOVE_MS
    ABOVE_10US = ABOVE_10US
    ABOVE_BELOW_US = ABOVE_BELOW_US

    def __init__(self, PWMn, *args, **kw):
        n = _int(PWMn)
        if not 0 <= n <= 3:
            raise ValueError("invalid PWMn value, must be in {0~3}.")
        names = ("cycle_range", "high_time", "cycle_time")
        if len(args) == 2 and not kw:
            # the older form: highTime and cycleTime in ms, no range argument
            cfg = (ABOVE_MS,) + _check(ABOVE_MS, args[0], args[1], (0, 65535))[1:]
        elif len(args) + len(kw) == 3 and all(k in names[len(args):] for k in kw):
            vals = list(args) + [kw[k] for k in names[len(args):]]
            cfg = _check(*vals)
        else:
            raise TypeError("PWM() takes PWMn, ABOVE_xx, highTime, cycleTime")
        self._n = n
        # one object per channel on the module: an output already running
        # carries on with the new times
        old = channels[n]
        channels[n] = cfg + (bool(old and old[3]),)

    def open(self, *args):
        cfg = channels[self._n][:3]
        if len(args) == 3:
            cfg = _check(*args)
        elif args:
            raise TypeError("open() takes no arguments, or ABOVE_xx, highTime, cycleTime")
        channels[self._n] = cfg + (True,)
        return 0

    def close(self):
        channels[self._n] = channels[self._n][:3] + (False,)
        return 0

    def __repr__(self):
        c = channels[self._n]
        return "PWM(pin:%u high time:%u cycle_time:%u)" % (self._n, c[1], c[2])
