# Stand-in for the ESP32's `machine` on the unix port: the unix port's own,
# plus Pin, WDT and a UART with a cellular modem on the other end that answers
# the AT commands of a PPP dial ($QPY_ESP32 "modem": {"refuse": "ATD*99#"}
# makes it answer ERROR to one command). Names, parameters, defaults and
# numbers follow the micropython-esp32-stubs (qpyshim.standincheck).
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
    # The board's numbers (ports/esp32/machine_pin.c, as the stubs list them)
    IN = 1
    OUT = 3
    OPEN_DRAIN = 7
    PULL_DOWN = 1
    PULL_UP = 2
    IRQ_RISING = 1
    IRQ_FALLING = 2
    WAKE_LOW = 4
    WAKE_HIGH = 5
    DRIVE_0 = 0
    DRIVE_1 = 1
    DRIVE_2 = 2
    DRIVE_3 = 3

    def __init__(self, id, mode=-1, pull=-1, *, value=None, drive=None, alt=None):
        self.n = id
        self._mode = None
        self._pull = None
        self.handler = None
        self.trigger = 0
        pins[id] = self
        self.init(mode, pull, value=value, drive=drive)

    def init(self, mode=-1, pull=-1, *, value=None, drive=None, alt=None):
        # -1: leave it as it is (machine_pin.c's "not given")
        if mode != -1:
            self._mode = mode
        if pull != -1:
            self._pull = pull
        if value is not None:
            levels[self.n] = value

    def mode(self, mode=-1):
        if mode == -1:
            return self._mode
        self._mode = mode

    def pull(self, pull=-1):
        if pull == -1:
            return self._pull
        self._pull = pull

    def drive(self, drive=None):
        return None  # a stand-in pin has no drive strength to set or read

    def value(self, x=None):
        if x is None:
            return levels.get(self.n, 1 if self._pull == self.PULL_UP else 0)
        levels[self.n] = x

    def __call__(self, x=None):
        return self.value(x)

    def on(self):
        levels[self.n] = 1

    def off(self):
        levels[self.n] = 0

    def toggle(self):
        levels[self.n] = 1 - self.value()

    def irq(self, handler=None, trigger=IRQ_FALLING | IRQ_RISING, *, priority=1, wake=None, hard=False):
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


def _opened(uart, id, kw):
    # what the UART was opened with: every setting that has a value
    uart.id = id
    uart.opened = {k: v for k, v in kw.items() if v is not None}
    uart.closed = False
    uarts[id] = uart


class UART(io.IOBase):
    # io.IOBase: select.poll asks ioctl() whether a read would find data, as
    # it asks the board's own UART. With $QPY_ESP32 "modem": {"wired": {"2":
    # PATH}} UART 2 is wired to the pty at PATH (a modem simulator's line).
    # Numbers: ports/esp32/machine_uart.c (ESP-IDF's UART_HW_FLOWCTRL_RTS 1, _CTS 2).
    RTS = 1
    CTS = 2
    INV_RX = 4
    INV_TX = 32
    INV_RTS = 64
    INV_CTS = 8
    IRQ_RX = 1
    IRQ_BREAK = 2
    IRQ_RXIDLE = 4096

    def __new__(cls, id, *a, **kw):
        if (_cfg.get("wired") or {}).get(str(id)):
            u = object.__new__(WiredUART)  # not a UART: __init__ is ours to call
            u.__init__(id, *a, **kw)
            return u
        return object.__new__(cls)

    def __init__(self, id, baudrate=9600, bits=8, parity=None, stop=1, *, tx=None, rx=None, txbuf=None,
                 rxbuf=None, timeout=None, timeout_char=None, invert=None, flow=None, rts=None, cts=None):
        _opened(self, id, dict(baudrate=baudrate, bits=bits, parity=parity, stop=stop, tx=tx, rx=rx, txbuf=txbuf,
                               rxbuf=rxbuf, timeout=timeout, timeout_char=timeout_char, invert=invert,
                               flow=flow, rts=rts, cts=cts))
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


def _reach(path):
    # The board's filesystem is mounted at /: the host's pty folder is
    # mounted beside it so the wired UART can open the simulator's end.
    import vfs

    d, _, name = path.rpartition("/")
    where = "/_wired" + d.replace("/", "_")
    try:
        vfs.mount(vfs.VfsPosix(d), where)
    except OSError:
        pass  # mounted already (a second UART on the same folder)
    return where + "/" + name


class WiredUART(io.IOBase):
    """A UART whose pins go to a pty: what the board's UART does with a modem
    on its other end, bytes as they come, reads that never wait."""

    def __init__(self, id, baudrate=9600, bits=8, parity=None, stop=1, *, tx=None, rx=None, txbuf=None,
                 rxbuf=None, timeout=None, timeout_char=None, invert=None, flow=None, rts=None, cts=None):
        import select
        import termios

        _opened(self, id, dict(baudrate=baudrate, bits=bits, parity=parity, stop=stop, tx=tx, rx=rx,
                               rxbuf=rxbuf, timeout=timeout, flow=flow))
        self._f = open(_reach(_cfg["wired"][str(id)]), "r+b")
        fd = self._f.fileno()
        termios.setraw(fd)
        a = termios.tcgetattr(fd)
        a[6][6] = a[6][5] = 0  # VMIN = VTIME = 0: a read returns what is there
        termios.tcsetattr(fd, termios.TCSANOW, a)
        self._p = select.poll()
        self._p.register(fd, select.POLLIN)

    def write(self, data):
        return self._f.write(data)

    def read(self, n=None):
        d = self._f.read(n or 4096)
        return d or None

    def any(self):
        return 1 if self._p.poll(0) else 0

    def ioctl(self, req, arg):
        if req == 3:
            return arg & 1 if self._p.poll(0) else 0
        return 0

    def deinit(self):
        self.closed = True
        self._f.close()


class WDT:
    # machine.WDT(id=0, timeout=5000): ports/esp32/machine_wdt.c. Nothing
    # resets the process: tests read `fed`.
    def __init__(self, id=0, timeout=5000):
        self.timeout = timeout
        self.fed = 0
        wdts.append(self)

    def feed(self):
        self.fed += 1


wdts = []
