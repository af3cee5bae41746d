# The bus master on a UART with an RS-485 transceiver.
import utime
from machine import UART

from usr import rtu


class Master:
    def __init__(self, uart_cfg, rs485, timeout_ms):
        u = uart_cfg
        self.uart = UART(getattr(UART, "UART%d" % u["port"]), u["baudrate"], u["databits"], u["parity"],
                         u["stopbits"], u["flowctl"])
        # The transceiver's direction pin: driven while we transmit.
        self.uart.control_485(getattr(UART, "GPIO%d" % rs485["gpio"]), rs485["direction"])
        self.timeout_ms = timeout_ms

    def _transact(self, request, expect_len):
        stale = self.uart.any()
        if stale:
            self.uart.read(stale)  # a late reply to an earlier request
        self.uart.write(request)
        reply = b""
        deadline = utime.ticks_add(utime.ticks_ms(), self.timeout_ms)
        while len(reply) < expect_len and utime.ticks_diff(deadline, utime.ticks_ms()) > 0:
            n = self.uart.any()
            if n:
                reply += self.uart.read(n)
                if len(reply) >= 5 and reply[1] & 0x80:
                    break  # an exception reply is 5 bytes
            else:
                utime.sleep_ms(10)
        return reply[:5] if len(reply) >= 5 and reply[1] & 0x80 else reply[:expect_len]

    def read_holding(self, slave, start, count):
        reply = self._transact(rtu.read_holding(slave, start, count), 5 + 2 * count)
        return rtu.registers(rtu.check(reply, slave, 3))

    def write_single(self, slave, register, value):
        request = rtu.write_single(slave, register, value)
        reply = self._transact(request, 8)
        rtu.check(reply, slave, 6)
        if reply != request:
            raise rtu.ModbusError("write not echoed")
