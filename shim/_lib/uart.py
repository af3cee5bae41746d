# machine.UART as QuecPython has it: UART(UARTn, baudrate, databits, parity,
# stopbits, flowctl), read(n) never waits (b'' when nothing is buffered),
# any() counts what is buffered, write() takes str or bytes, and
# set_callback(fun) calls fun([0, port, size]) once per received chunk.
# A reader thread drains the line into the receive buffer; the line itself
# is the port's: a pty or serial device from the board config's "uart"
# section on the desktop, the board's own UART elsewhere.
from .._ports import port as _p
from . import config as _config
from .. import _thread

_BAUDS = (300, 600, 1200, 2400, 3600, 4800, 7200, 9600, 14400, 19200, 28800, 33600, 38400,
          57600, 115200, 230400, 460800, 921600, 1000000, 1842000, 3686400, 4468750)
RXMAX = 4096  # the driver's receive buffer; the line holds the rest until the app reads
_open = {}  # port number -> UART: one object per port, as on the module
_reg = _p.thread.allocate_lock()


def _check(name, v, ok):
    if not isinstance(v, int) or v not in ok:
        raise ValueError("invalid %s: %r" % (name, v))


def _line(n, frame):
    where = _config.section("uart").get(str(n))
    if where is None:
        where = _p.uart_default(n)
    if where is None:
        raise ValueError("UART%d init fail: the board config maps no serial line to it "
                         "(uart section, e.g. {\"uart\": {\"%d\": \"/dev/ttyUSB0\"}})" % (n, n))
    try:
        return _p.serial(where, *frame)
    except OSError as e:
        raise ValueError("UART%d init fail: %s: %s" % (n, where, e))


def _int(name, v):
    if not isinstance(v, int):
        raise TypeError("can't convert %s to int" % type(v).__name__)


class UART:
    UART0 = 0
    UART1 = 1
    UART2 = 2
    UART3 = 3
    UART4 = 4
    REPL_UART = 3

    def __init__(self, UARTn, baudrate, databits, parity, stopbits, flowctl):
        _check("port", UARTn, range(0, 7))
        _check("baudrate", baudrate, _BAUDS)
        _check("databits", databits, range(5, 9))
        _check("parity", parity, range(0, 5))
        _check("stopbits", stopbits, (1, 2))
        _check("flowctl", flowctl, (0, 1))
        self._n = UARTn
        self._lock = _p.thread.allocate_lock()
        self._buf = bytearray()
        self._cb = None
        self._held = False
        self._wlock = _p.thread.allocate_lock()
        self._room = _p.thread.allocate_lock()  # held by the reader while the buffer is full
        self._alive = _p.thread.allocate_lock()  # held by the reader until it has let go of the line
        self._tid = None
        with _reg:
            old = _open.get(UARTn)
        if old is not None:
            old.close()  # a second UART(n) re-initialises the port
        self._line = _line(UARTn, (baudrate, databits, parity, stopbits, flowctl))
        self._on = True
        self._alive.acquire()
        with _reg:
            _open[UARTn] = self
        self._tid = _p.thread.start_new_thread(self._reader, ())

    def _reader(self):
        line = self._line
        self._tid = _p.thread.get_ident()
        try:
            while self._on:
                if len(self._buf) >= RXMAX:
                    # Full: the line holds the rest until read() (or close())
                    # releases _room; a release that came early makes this
                    # acquire return at once and the loop look again.
                    self._room.acquire()
                    continue
                if not line.readable(200):
                    continue
                chunk = line.read(RXMAX - len(self._buf))
                if not chunk:
                    continue
                with self._lock:
                    self._buf += chunk
                    cb = self._cb
                if cb is not None:
                    try:
                        cb([0, self._n, len(chunk)])
                    except Exception as e:  # noqa: BLE001  the app's callback must not stop the port
                        _p.stderr.write("qpyshim: UART%d callback failed\n" % self._n)
                        _p.print_exception(e)
        except OSError as e:
            if self._on:
                _config.log("UART%d: the line went away (%s)" % (self._n, e))
        finally:
            with self._wlock:  # no write is under way, and none starts on a closed line
                self._on = False
                try:
                    line.close()
                except OSError:
                    pass
            self._hold(False)  # a dead port keeps nothing up
            self._alive.release()

    def any(self):
        with self._lock:
            return len(self._buf)

    def read(self, nbytes=-1):
        with self._lock:
            if nbytes is None or nbytes < 0 or nbytes >= len(self._buf):
                data = bytes(self._buf)
                self._buf = bytearray()
            else:
                data = bytes(self._buf[:nbytes])
                self._buf = self._buf[nbytes:]
            if data and self._room.locked():
                self._room.release()  # the reader may take more from the line
        return data

    def write(self, data):
        if isinstance(data, str):
            data = data.encode()
        with self._wlock:
            if not self._on:
                raise OSError(5)  # closed, or the line went away (EIO)
            return self._line.write(data)

    def set_callback(self, fun):
        if fun is not None and not callable(fun):
            raise TypeError("callback should be callable")
        with self._lock:
            self._cb = fun
        self._hold(fun is not None)
        return 0

    def _hold(self, on):
        # A port with a callback keeps the board up after main.py returns, as
        # the module keeps running an app that lives in its callbacks.
        with self._lock:
            if on == self._held:
                return
            self._held = on
        _thread.hold(1 if on else -1)

    def control_485(self, GPIOn, direction):
        # The firmware hands both to the UART driver (machine_uart.c
        # control_485 -> Helios_UART_SetCtl_485) and returns its result:
        # 0, or -1 for a pin the module doesn't have.
        _int("GPIOn", GPIOn)
        _check("direction", direction, (0, 1))
        if not 1 <= GPIOn <= 47:
            return -1
        return 0  # no transceiver to switch on a desktop line

    def close(self):
        if not self._on:
            return 0
        self._on = False  # the reader closes the line at its next look (200 ms at most)
        self._hold(False)
        with self._lock:
            if self._room.locked():
                self._room.release()
        if self._tid != _p.thread.get_ident():  # not from our own callback
            self._alive.acquire()  # the line is let go before the port can be opened again
            self._alive.release()
        with _reg:
            if _open.get(self._n) is self:
                del _open[self._n]
        return 0


# The pins control_485 takes, as constants of UART itself (machine_uart.c
# puts PLAT_GPIO_DEF in UART's table): the same numbers as Pin.GPIOn.
for _i in range(1, 48):
    setattr(UART, "GPIO%d" % _i, _i)
