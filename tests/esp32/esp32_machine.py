# Stand-in for the ESP32's `machine` on the unix port: the unix port's own,
# plus Pin and a UART with a cellular modem on the other end that answers the
# AT commands of a PPP dial ($QPY_ESP32 "modem": {"refuse": "ATD*99#"} makes
# it answer ERROR to one command).
import json
import os
import machine as _m

for _k in dir(_m):
    if not _k.startswith("__"):
        globals()[_k] = getattr(_m, _k)

_cfg = (json.loads(os.getenv("QPY_ESP32") or "{}")).get("modem", {})
commands = []  # what the modem was sent, for tests


pins = {}  # pin number -> Pin, for tests to drive
levels = {}


class Pin:
    OUT = 3
    IN = 1
    PULL_UP = 2
    PULL_DOWN = 1
    IRQ_RISING = 1
    IRQ_FALLING = 2

    def __init__(self, n, mode=None, pull=None, value=None, **kw):
        self.n = n
        self.mode = mode
        self.pull = pull
        self.handler = None
        self.trigger = 0
        if value is not None:
            levels[n] = value
        pins[n] = self

    def value(self, v=None):
        if v is None:
            return levels.get(self.n, 1 if self.pull == self.PULL_UP else 0)
        levels[self.n] = v

    def irq(self, handler=None, trigger=3):
        self.handler, self.trigger = handler, trigger


def drive(n, level):
    """The outside world on input pin n: the board's IRQ fires on an edge."""
    p = pins[n]
    old = p.value()
    levels[n] = level
    edge = Pin.IRQ_RISING if level and not old else Pin.IRQ_FALLING if old and not level else 0
    if p.handler is not None and edge & p.trigger:
        p.handler(p)


import io

uarts = {}  # id -> UART, with what it was opened with


class UART(io.IOBase):
    # io.IOBase: select.poll asks ioctl() whether a read would find data, as
    # it asks the board's own UART.
    RTS = 2
    CTS = 1

    def __init__(self, id, baudrate=115200, tx=None, rx=None, timeout=0, **kw):
        self.id = id
        self.opened = dict(kw, baudrate=baudrate, timeout=timeout)
        self.closed = False
        uarts[id] = self
        self.connected = False  # in data mode after ATD
        self._rx = b""

    def write(self, data):
        if isinstance(data, str):
            data = data.encode()
        cmd = data.decode().strip()
        commands.append(cmd)
        if cmd == _cfg.get("refuse"):
            self._rx += b"\r\nERROR\r\n"
        elif cmd.startswith("ATD"):
            self._rx += b"\r\nCONNECT 150000000\r\n"
            self.connected = True
        else:
            self._rx += b"\r\nOK\r\n"
        return len(data)

    def read(self, n=None):
        if not self._rx:
            return None
        d, self._rx = self._rx, b""
        return d

    def any(self):
        return len(self._rx)

    def ioctl(self, req, arg):
        if req == 3:  # MP_STREAM_POLL
            return arg & 1 if self._rx else 0  # POLLIN
        return 0

    def deinit(self):
        self.closed = True
