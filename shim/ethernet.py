# QuecPython ethernet: SPI/RMII Ethernet chips. On the desktop board a NIC is a
# loopback address of its own (config "nics" -> "ethernet").
from shim._lib import nic as _nic


def _mac_text(mac):
    return "-".join("%02X" % b for b in mac)


class _Ethernet:
    def __init__(self, mac, ip="", subnet="", gateway="", spi_port=-1, spi_cs_pin=-1,
                 extint_pin=-1, reset_pin=-1, work_mode=0):
        if not isinstance(mac, (bytes, bytearray)) or len(mac) != 6:
            raise ValueError("mac should be 6 bytes")
        s = _nic.settings("ethernet")
        self._mac = bytes(mac)
        self._ip = _nic.address("ethernet", ip)
        self._subnet = subnet or s["subnet"]
        self._gateway = gateway or s["gateway"]
        self._dns = list(s["dns"])
        self._up = False

    def set_addr(self, ip, subnet, gateway):
        self._ip = _nic.address("ethernet", ip)
        self._subnet, self._gateway = subnet, gateway
        return 0

    def set_dns(self, primary_dns, secondary_dns):
        self._dns = [primary_dns, secondary_dns]
        return 0

    def dhcp(self):
        self._ip = _nic.settings("ethernet")["ipv4"]
        return 0

    def set_up(self):
        self._up = True
        return 0

    def set_down(self):
        self._up = False
        return 0

    def ipconfig(self):
        return [
            (_mac_text(self._mac), type(self).__name__),
            (4, self._ip, self._subnet, self._gateway, self._dns[0], self._dns[1]),
        ]

    def set_default_NIC(self, ip):
        return _nic.set_default(ip)

    def status(self):
        return (True, self._up, self._up)  # (device present, set_up, cable in)


class W5500(_Ethernet):
    pass


class CH395(_Ethernet):
    pass


class DM9051(_Ethernet):
    pass


class YT8512H(_Ethernet):
    def speed(self):
        return (0, 0)  # (tx, rx) bit/s now: the desktop NIC keeps no rate

    def node(self):
        return []  # terminals behind the NIC in gateway mode: none on the desktop
