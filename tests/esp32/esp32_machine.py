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
    # it asks the board's own UART. With $QPY_ESP32 "modem": {"wired": {"2":
    # PATH}} UART 2 is wired to the pty at PATH (a modem simulator's line).
    RTS = 2
    CTS = 1

    def __new__(cls, id, *a, **kw):
        if (_cfg.get("wired") or {}).get(str(id)):
            u = object.__new__(WiredUART)  # not a UART: __init__ is ours to call
            u.__init__(id, *a, **kw)
            return u
        return object.__new__(cls)

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

    def __init__(self, id, baudrate=115200, tx=None, rx=None, timeout=0, **kw):
        import select
        import termios

        self.id = id
        self.opened = dict(kw, baudrate=baudrate, timeout=timeout)
        self.closed = False
        uarts[id] = self
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
