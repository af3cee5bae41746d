# machine.Pin and machine.ExtInt over a GPIO bank, with QuecPython's numbers
# and return values. On a board the port hands out its own pins
# (_p.gpio); on the desktop the bank is simulated: outputs hold what the app
# wrote, inputs read what the desktop control channel sets (or their pull),
# and a change on an input pin fires the ExtInt callbacks on it.
from .._ports import port as _p
from .. import _thread

_lock = _p.thread.allocate_lock()
_level = {}  # pin -> level driven from outside (inputs) or by the app (outputs)
_dir = {}  # pin -> 0 in / 1 out
_pull = {}
_ext = {}  # pin -> ExtInt


class Pin:
    IN = 0
    OUT = 1
    PULL_DISABLE = 0
    PULL_PU = 1
    PULL_PD = 2

    def __init__(self, GPIOn, direction=1, pullMode=0, level=0):
        if not isinstance(GPIOn, int) or not 1 <= GPIOn <= 47:
            raise ValueError("invalid pin: %r" % (GPIOn,))
        if direction not in (0, 1):
            raise ValueError("invalid direction, should be Pin.IN(0) or Pin.OUT(1)")
        if pullMode not in (0, 1, 2):
            raise ValueError("invalid pull, should be Pin.PULL_DISABLE(0), Pin.PULL_PU(1) or Pin.PULL_PD(2)")
        if level not in (0, 1):
            raise ValueError("invalid level, should be 0 or 1")
        self._n = GPIOn
        self._hw = _p.gpio(GPIOn, direction, pullMode, level if direction == 1 else None)  # None: simulated
        with _lock:
            _dir[GPIOn] = direction
            _pull[GPIOn] = pullMode
            if direction == 1:
                _level[GPIOn] = level

    def read(self):
        if self._hw is not None:
            return self._hw.value()
        return _read(self._n)

    def value(self, v=None):
        if v is None:
            return self.read()
        self.write(v)

    def write(self, value):
        if value not in (0, 1):
            raise ValueError("invalid level, should be 0 or 1")
        with _lock:
            if _dir.get(self._n) != 1:
                return -1  # only an output can be driven
            _level[self._n] = value
        if self._hw is not None:
            self._hw.value(value)
        return 0

    def set_dir(self, value):
        if value not in (0, 1):
            raise ValueError("invalid direction, should be Pin.IN(0) or Pin.OUT(1)")
        with _lock:
            _dir[self._n] = value
            pull = _pull.get(self._n, 0)
        if self._hw is not None:
            self._hw = _p.gpio(self._n, value, pull, None)
        return 0

    def get_dir(self):
        with _lock:
            return _dir.get(self._n, 0)


for _i in range(1, 48):
    setattr(Pin, "GPIO%d" % _i, _i)


def _read(n):
    with _lock:
        v = _level.get(n)
        if v is None:
            v = 1 if _pull.get(n) == 1 else 0
        return v


def drive(n, level):
    """The outside world sets input pin n (the desktop control channel);
    returns the level the pin now reads. ExtInt callbacks fire on an edge."""
    with _lock:
        old = _level.get(n)
        if old is None:
            old = 1 if _pull.get(n) == 1 else 0
        _level[n] = level
        ext = _ext.get(n)
    if ext is not None and old != level:
        ext._edge(level)
    return level


def levels():
    with _lock:
        return dict((str(n), _level[n]) for n in _level)


class ExtInt:
    IRQ_RISING = 0
    IRQ_FALLING = 1
    IRQ_RISING_FALLING = 2
    PULL_DISABLE = 0
    PULL_PU = 1
    PULL_PD = 2

    def __init__(self, GPIOn, mode, pull, callback, filter_time=0):
        if not isinstance(GPIOn, int) or not 0 <= GPIOn <= 47:
            raise ValueError("invalid pin: %r" % (GPIOn,))
        if mode not in (0, 1, 2):
            raise ValueError("invalid mode")
        if pull not in (0, 1, 2):
            raise ValueError("invalid pull")
        if not callable(callback):
            raise ValueError("invalid callback")
        self._n = GPIOn
        self._mode = mode
        self._cb = callback
        self._on = False
        self._counts = [0, 0]
        self._hw = _p.gpio(GPIOn, 0, pull, None)
        with _lock:
            _pull[GPIOn] = pull
            _dir.setdefault(GPIOn, 0)
            _ext[GPIOn] = self

    def _irq(self, pin):
        # A scheduled callback may run between any two bytecodes of a thread
        # that holds one of our locks: take none here, hand the edge over.
        _p.thread.start_new_thread(self._edge, (pin.value(),))

    def _edge(self, level):
        edge = 0 if level else 1  # 0 rising, 1 falling
        if self._mode != 2 and self._mode != edge:
            return  # the interrupt is not armed for this edge
        with _lock:
            self._counts[edge] += 1
            fire = self._on
        if fire:
            # The module delivers the event from its callback thread.
            _thread.spawn(self._cb, ((self._n, edge),))

    def enable(self):
        self._on = True
        if self._hw is not None:
            self._hw.irq(handler=self._irq, trigger=_p.GPIO_EDGES[self._mode])
        return 0

    def disable(self):
        self._on = False
        if self._hw is not None:
            self._hw.irq(handler=None)
        return 0

    def line(self):
        return self._n

    def read_level(self):
        if self._hw is not None:
            return self._hw.value()
        return _read(self._n)

    def read_count(self, is_reset):
        if is_reset not in (0, 1):
            raise ValueError("is_reset should be 0 or 1")
        with _lock:
            c = list(self._counts)
            if is_reset:
                self._counts[0] = self._counts[1] = 0
        return c

    def count_reset(self):
        with _lock:
            self._counts[0] = self._counts[1] = 0
        return 0


for _i in range(0, 48):
    setattr(ExtInt, "GPIO%d" % _i, _i)
