# The serial line to a modem: a UART on a board, a serial device or pty on
# the desktop, or a TCP endpoint (a simulator, or a serial server). Each
# gives read(n) that never waits, readable(ms), write(b) and close().
from .._ports import port as _p
from .._lib import config as _config


class TcpLine:
    # Blocking socket; the reader only reads after readable() said so.
    def __init__(self, host, port):
        self._s = _p.socket(2, 1)
        self._s.connect(_p.pack(host, port) if hasattr(_p, "pack") else (host, port))

    def read(self, n):
        data = self._s.recv(n)
        if not data:
            raise _p.oserror(5)  # the far end closed: as a pty's hang-up
        return data

    def readable(self, ms):
        return _p.readable(self._s, ms)

    def write(self, data):
        self._s.sendall(data)
        return len(data)

    def close(self):
        self._s.close()


def open_line(cfg):
    """The line the stack section names: "line" is a UART number, a device
    path, or "tcp:HOST:PORT"."""
    where = cfg.get("line")
    baud = int(cfg.get("baudrate", 115200))
    flow = 1 if cfg.get("flow") else 0
    if where is None:
        raise ValueError('the stack section names no "line" (a UART number, a device path or "tcp:HOST:PORT")')
    if isinstance(where, str) and where.startswith("tcp:"):
        host, _, port = where[4:].rpartition(":")
        return TcpLine(host or "127.0.0.1", int(port))
    if isinstance(where, int) or where.isdigit():
        n = str(where)
        where = _config.section("uart").get(n) or _p.uart_default(int(n))
        if where is None:
            raise ValueError("UART%s: the board config maps no serial line to it" % n)
    return _p.serial(where, baud, 8, 0, 1, flow)
