# Modbus RTU master frames: function 0x03 (read holding registers) and 0x06
# (write single register), CRC-16/MODBUS low byte first.
import ustruct

_TABLE = []


def _table():
    for i in range(256):
        crc = i
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        _TABLE.append(crc)


def crc16(data):
    if not _TABLE:
        _table()
    crc = 0xFFFF
    for b in data:
        crc = (crc >> 8) ^ _TABLE[(crc ^ b) & 0xFF]
    return crc


def frame(pdu):
    return pdu + ustruct.pack("<H", crc16(pdu))


def read_holding(slave, start, count):
    return frame(ustruct.pack(">BBHH", slave, 3, start, count))


def write_single(slave, register, value):
    return frame(ustruct.pack(">BBHH", slave, 6, register, value))


class ModbusError(Exception):
    pass


def check(reply, slave, function):
    """The reply's data after the function code; ModbusError for a bad one."""
    if len(reply) < 5:
        raise ModbusError("no reply" if not reply else "short reply")
    if crc16(reply[:-2]) != ustruct.unpack("<H", reply[-2:])[0]:
        raise ModbusError("bad CRC")
    if reply[0] != slave:
        raise ModbusError("reply from slave %d" % reply[0])
    if reply[1] == function | 0x80:
        raise ModbusError("exception %d" % reply[2])
    if reply[1] != function:
        raise ModbusError("function %d in reply" % reply[1])
    return reply[2:-2]


def registers(data):
    n = data[0] // 2
    return ustruct.unpack(">%dH" % n, data[1:1 + 2 * n])
