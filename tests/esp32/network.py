# Stand-in for the ESP32's `network` module on the unix port. Interfaces come
# up after a few status polls (not after a time), and a test can drop and
# restore the link: network.standin.drop() / .restore(). The access points in
# range, the address handed out and the rest come from $QPY_ESP32 (JSON).
import json
import os
import _thread

STA_IF = 0
AP_IF = 1
STAT_IDLE = 1000
STAT_CONNECTING = 1001
STAT_GOT_IP = 1010
STAT_BEACON_TIMEOUT = 200
STAT_NO_AP_FOUND = 201
STAT_WRONG_PASSWORD = 202
STAT_ASSOC_FAIL = 203
STAT_HANDSHAKE_TIMEOUT = 204
PHY_LAN8720 = 0
PHY_IP101 = 1
PHY_RTL8201 = 2
ETH_INITIALIZED = 0
ETH_STARTED = 1
ETH_STOPPED = 2
ETH_CONNECTED = 3
ETH_DISCONNECTED = 4
ETH_GOT_IP = 5

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

    def active(self, on=None):
        if on is None:
            return self._active
        self._active = bool(on)
        if not on:
            self._st = STAT_IDLE
        return None

    def status(self, *a):
        return self._step()

    def isconnected(self):
        return self._step() == STAT_GOT_IP

    def ifconfig(self, *a):
        return _addr() if self.isconnected() else _NONE

    def config(self, *a, **kw):
        return None


class _WLAN(_Nic):
    def connect(self, ssid=None, key=None, *a, **kw):
        if not self._active:
            raise OSError("Wifi Not Started")
        aps = _cfg.get("aps", {})
        if ssid not in aps:
            self._start(STAT_NO_AP_FOUND)
        elif aps[ssid] != key:
            self._start(STAT_WRONG_PASSWORD)
        else:
            self._start()

    def disconnect(self):
        self._st = STAT_IDLE


_wlan = []


def WLAN(interface=STA_IF):
    if interface != STA_IF:
        raise ValueError("the stand-in has a station interface only")
    if not _wlan:
        _wlan.append(_WLAN())
        standin.made.append("wlan")
    return _wlan[0]


class _LAN(_Nic):
    def active(self, on=None):
        r = _Nic.active(self, on)
        if on:
            self._start()
        return r


def LAN(mdc=None, mdio=None, phy_type=None, phy_addr=None, power=None, ref_clk=None, ref_clk_mode=None):
    if not _cfg.get("lan", True):
        raise OSError("ethernet initialisation failed")
    for pin in (mdc, mdio):
        if pin is None or not hasattr(pin, "n"):
            raise TypeError("mdc and mdio must be Pin objects")
    if phy_type not in (PHY_LAN8720, PHY_IP101, PHY_RTL8201):
        raise ValueError("invalid phy_type")
    standin.made.append("lan")
    return _LAN()


class PPP(_Nic):
    AUTH_NONE = 0

    def __init__(self, stream):
        _Nic.__init__(self)
        if not getattr(stream, "connected", False):
            raise OSError("the modem is not in data mode")
        standin.made.append("ppp")

    def connect(self, user=None, key=None, **kw):
        if not self._active:
            raise OSError("PPP not active")
        self._start()
