# The DTU's serial side: a UART whose callback only wakes the reader.
from machine import UART
from queue import Queue


class Serial:
    def __init__(self, port, baudrate, databits, parity, stopbits, flowctl):
        self.uart = UART(getattr(UART, "UART%d" % port), baudrate, databits, parity, stopbits, flowctl)
        self._wake = Queue(1)
        self.uart.set_callback(self._on_rx)

    def _on_rx(self, para):
        if self._wake.empty():
            self._wake.put(None)

    def read(self):
        """What has come in; waits until something has."""
        while True:
            n = self.uart.any()
            if n:
                return self.uart.read(n)
            self._wake.get()

    def write(self, data):
        return self.uart.write(data)
