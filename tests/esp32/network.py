# Stand-in for the ESP32's `network` module on the unix port. Interfaces come
# up after a few status polls (not after a time), and a test can drop and
# restore the link: network.standin.drop() / .restore(). The access points in
# range, the address handed out and the rest come from $QPY_ESP32 (JSON).
import json
import os
import _thread

STA_IF = 0
AP_IF = 1
# network.WLAN status codes and network.LAN's PHY numbers as the board has
# them (the micropython-esp32-stubs' values, checked by qpyshim.standincheck)
STAT_IDLE = 1000
STAT_CONNECTING = 1001
STAT_GOT_IP = 1010
STAT_BEACON_TIMEOUT = 200
STAT_NO_AP_FOUND = 201
STAT_WRONG_PASSWORD = 202
STAT_ASSOC_FAIL = 203
STAT_CONNECT_FAIL = 203
STAT_HANDSHAKE_TIMEOUT = 204
PHY_LAN8710 = 0
PHY_LAN8720 = 1
PHY_IP101 = 2
PHY_RTL8201 = 3
PHY_DP83848 = 4
PHY_KSZ8041 = 5
PHY_KSZ8081 = 6
PHY_GENERIC = 8
ETH_INITIALIZED = 0
ETH_STARTED = 1
ETH_STOPPED = 2
ETH_CONNECTED = 3
ETH_DISCONNECTED = 4
ETH_GOT_IP = 5
_PHYS = (PHY_LAN8710, PHY_LAN8720, PHY_IP101, PHY_RTL8201, PHY_DP83848, PHY_KSZ8041, PHY_KSZ8081, PHY_GENERIC)

_cfg = json.loads(os.getenv("QPY_ESP32") or "{}")
_lock = _thread.allocate_lock()
_NONE = ("0.0.0.0", "0.0.0.0", "0.0.0.0", "0.0.0.0")


class _Standin:
    def __init__(self):
        self.link = True
        self.made = []  # interfaces the code under test created, by kind

    def drop(self):
        self.link = False

    def restore(self):
        self.link = True


standin = _Standin()


def _addr():
    return (_cfg.get("ip", "127.0.0.1"), "255.0.0.0", "127.0.0.1", _cfg.get("dns", "127.0.0.53"))


class _Nic:
    """Goes IDLE -> CONNECTING -> GOT_IP after `polls_to_connect` polls."""

    def __init__(self):
        self._active = False
        self._st = STAT_IDLE
        self._polls = 0
        self._fail = None

    def _start(self, fail=None):
        self._st = STAT_CONNECTING
        self._polls = _cfg.get("polls_to_connect", 2)
        self._fail = fail

    def _step(self):
        with _lock:
            if self._st == STAT_GOT_IP and not standin.link:
                self._st = STAT_CONNECTING  # lost: the driver keeps trying by itself
                self._polls = _cfg.get("polls_to_connect", 2)
            elif self._st == STAT_CONNECTING and (standin.link or self._fail):
                if self._polls > 0:
                    self._polls -= 1
                else:
                    self._st = self._fail or STAT_GOT_IP
            return self._st

    def active(self, is_active=None):
        if is_active is None:
            return self._active
        self._active = bool(is_active)
        if not is_active:
            self._st = STAT_IDLE
        return None

    def status(self, *param):
        return self._step()

    def isconnected(self):
        return self._step() == STAT_GOT_IP

    def ifconfig(self, *configtuple):
        return _addr() if self.isconnected() else _NONE

    def config(self, *param, **kwargs):
        return None


class WLAN(_Nic):
    # One station interface, as on the board (WLAN(STA_IF) is the same object each time).
    IF_STA = 0
    IF_AP = 1
    _one = []

    def __new__(cls, interface_id=STA_IF):
        if interface_id != STA_IF:
            raise ValueError("the stand-in has a station interface only")
        if not cls._one:
            cls._one.append(object.__new__(cls))
            standin.made.append("wlan")
        return cls._one[0]

    def __init__(self, interface_id=STA_IF):
        if not hasattr(self, "_st"):
            _Nic.__init__(self)

    def connect(self, ssid=None, password=None, *, bssid=None):
        if not self._active:
            raise OSError("Wifi Not Started")
        aps = _cfg.get("aps", {})
        if ssid not in aps:
            self._start(STAT_NO_AP_FOUND)
        elif aps[ssid] != password:
            self._start(STAT_WRONG_PASSWORD)
        else:
            self._start()

    def disconnect(self):
        self._st = STAT_IDLE

    def scan(self):
        return [(ssid.encode(), b"\x00" * 6, 1, -50, 3, False) for ssid in _cfg.get("aps", {})]


class LAN(_Nic):
    # network.LAN(id, *, mdc, mdio, power, phy_addr, phy_type, ref_clk, ref_clk_mode)
    def __init__(self, id=None, *, mdc=None, mdio=None, power=None, phy_addr=0, phy_type=0,
                 ref_clk=None, ref_clk_mode=0):
        if not _cfg.get("lan", True):
            raise OSError("ethernet initialisation failed")
        for pin in (mdc, mdio):
            if pin is None or not hasattr(pin, "n"):
                raise TypeError("mdc and mdio must be Pin objects")
        if phy_type not in _PHYS:
            raise ValueError("invalid phy_type")
        _Nic.__init__(self)
        standin.made.append("lan")

    def active(self, is_active=None):
        r = _Nic.active(self, is_active)
        if is_active:
            self._start()
        return r


class PPP(_Nic):
    SEC_NONE = 0
    SEC_PAP = 1
    SEC_CHAP = 2
    AUTH_NONE = 0
    AUTH_PAP = 1
    AUTH_CHAP = 2

    def __init__(self, stream):
        _Nic.__init__(self)
        if not getattr(stream, "connected", False):
            raise OSError("the modem is not in data mode")
        standin.made.append("ppp")

    def active(self, *args, **kwargs):
        return _Nic.active(self, *args)

    def connect(self, security=SEC_NONE, user=None, key=None):
        if not self._active:
            raise OSError("PPP not active")
        self._start()

    def disconnect(self):
        self._st = STAT_IDLE
