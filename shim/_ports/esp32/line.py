# A serial line on an ESP32: the board's own UART, with QuecPython's framing
# numbers, read without waiting.
from . import machine  # the board's own, as the port bound it (not shim.machine)


class Uart:
    # The board's own UART, read without waiting.
    def __init__(self, n, baud, bits, parity, stop, flow):
        import select

        U = machine.UART
        # QuecPython parity 0 none, 1 even, 2 odd -> the board's None, 0, 1;
        # the 4 KiB hardware buffer is what the module's driver keeps.
        self._u = U(int(n), baudrate=baud, bits=bits, parity=(None, 0, 1)[parity], stop=stop,
                    flow=(U.RTS | U.CTS) if flow else 0, rxbuf=4096, timeout=0)
        self._p = select.poll()
        self._p.register(self._u, select.POLLIN)

    def read(self, n):
        return self._u.read(n) or b""

    def readable(self, ms):
        return bool(self._p.poll(ms))

    def write(self, data):
        return self._u.write(data)

    def close(self):
        self._u.deinit()
