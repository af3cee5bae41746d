# The desktop board's stand-in for QuecPython's WLAN.py (an ESP8266 reached
# over a UART with SLIP). Copy it to /usr beside an app that does
# `from usr.WLAN import ESP8266`; the Wi-Fi NIC is then the loopback address
# in the board config's "nics" -> "wifi".
from shim._lib import nic as _nic


class ESP8266:
    AP = 0
    STA = 1

    def __init__(self, uart=2, mode=STA, callback=None, baudrate=921600, *args):
        if mode not in (self.AP, self.STA):
            raise ValueError("mode should be ESP8266.AP or ESP8266.STA")
        self._mode = mode
        self._callback = callback
        self._cfg = _nic.settings("wifi")
        self._dns = list(self._cfg["dns"])
        self._status = 2  # STA, not connected

    def _event(self, text):
        if self._callback:
            self._callback(text)

    def station(self, ssid, pwd):
        self._mode, self._status = self.STA, 1
        self._event("station, connected")
        return 0

    def ap(self, ssid, pwd):
        self._mode, self._status = self.AP, 4
        return 0

    def set_dns(self, pri, sec):
        self._dns = [pri, sec]
        return 0

    def ipconfig(self):
        c = self._cfg
        return (c["ipv4"], c["subnet"], c["gateway"], c["mtu"], self._dns[0], self._dns[1])

    def set_default_NIC(self, ip):
        return _nic.set_default(ip)

    def router_add(self, ip, mask):
        return 0

    def status(self):
        return self._status

    def version(self):
        return "qpyshim-desktop"

    def stop(self):
        self._status = 2
        return 0
