# The data call on an ESP32: profile 1 is the board's network interface, chosen
# in /board.json ("link": {"interface": "wlan" | "lan" | "ppp", ...}). dataCall
# and checkNet read its state through _modem; a watcher thread notices when the
# link comes or goes and passes that on, which fires the app's callback.
#
# What checkNet's stages mean here (a board has no SIM):
#   stage 1 "SIM"           the interface could be created and switched on
#   stage 2 "registration"  Wi-Fi: associated with the access point (3 when the
#                           AP refused us or is not there); LAN: cable link up;
#                           PPP: the modem answered the dial
#   stage 3 "data call"     the interface has an IP address
from .. import port as _p
from ..._lib import config as _config

_NONE = "0.0.0.0"
# network.WLAN status codes (the ESP32 port's values) that mean "refused"
_DENIED = (200, 201, 202, 203, 204)  # beacon timeout, no AP, wrong password, assoc fail, handshake


class Link:
    def __init__(self, cfg):
        self.kind = cfg.get("interface", "wlan")
        if self.kind not in ("wlan", "lan", "ppp"):
            raise ValueError('link "interface" must be "wlan", "lan" or "ppp", not %r' % self.kind)
        self.cfg = cfg.get(self.kind) or {}
        self.timeout_ms = int(cfg.get("connect_timeout_s", 30)) * 1000
        self.poll_ms = int(cfg.get("poll_ms", 500))
        self.nic = None
        self.failed = False
        self.want = False  # the app (or auto-activation) asked for the link
        self.refused = False  # the modem turned the dial down
        self._seen = (False, _NONE, _NONE)
        self._update = None
        self._lock = _p.thread.allocate_lock()

    # -- the interface --------------------------------------------------------
    def _make(self):
        if self.nic is None and not self.failed:
            try:
                import network

                self.nic = getattr(self, "_make_" + self.kind)(network)
            except (OSError, ValueError, TypeError, AttributeError, ImportError) as e:
                self.failed = True
                _config.log("%s interface unavailable: %r (see link.%s in /board.json)" % (self.kind, e, self.kind))
        return self.nic

    def _make_wlan(self, network):
        w = network.WLAN(network.STA_IF)
        w.active(True)
        return w

    def _make_lan(self, network):
        Pin = _p.machine.Pin  # the board's own, as the port bound it (an app's machine is QuecPython's)

        c = self.cfg
        kw = {
            "mdc": Pin(c.get("mdc", 23)),
            "mdio": Pin(c.get("mdio", 18)),
            "phy_type": getattr(network, c.get("phy_type", "PHY_LAN8720")),
            "phy_addr": c.get("phy_addr", 0),
        }
        if c.get("power") is not None:
            kw["power"] = Pin(c["power"])
        if c.get("ref_clk") is not None:
            kw["ref_clk"] = Pin(c["ref_clk"])
            kw["ref_clk_mode"] = getattr(Pin, c.get("ref_clk_mode", "OUT"))
        lan = network.LAN(**kw)
        lan.active(True)
        return lan

    def _make_ppp(self, network):
        UART = _p.machine.UART  # the board's own

        c = self.cfg
        self.uart = UART(c.get("uart", 1), baudrate=c.get("baudrate", 115200), tx=c.get("tx", 17),
                         rx=c.get("rx", 16), timeout=100)
        self.network = network
        return _Dialer(self)  # becomes the PPP interface once the modem has dialled

    def _connect(self, ctx):
        nic = self._make()
        if nic is None:
            return
        if self.kind == "wlan":
            ssid = self.cfg.get("ssid")
            if not ssid:
                _config.log('no Wi-Fi network set: put "link": {"wlan": {"ssid": ..., "password": ...}} in /board.json')
                self.want = False  # nothing to search for: not registered, not searching
                return
            nic.connect(ssid, self.cfg.get("password", ""))
        elif self.kind == "lan":
            nic.active(True)
        else:
            nic.dial(ctx)

    def _disconnect(self):
        nic = self.nic
        if nic is None:
            return
        if self.kind == "wlan":
            nic.disconnect()
        else:
            nic.active(False)

    # -- what _modem asks ----------------------------------------------------
    def start(self, auto, update):
        self._update = update
        if auto:
            self.want = True
            self._connect(None)
        else:
            self._make()
        _p.thread.start_new_thread(self._watch, ())

    def sim(self):
        return 1 if self._make() is not None else 0

    def reg(self):
        nic = self.nic
        if nic is None:
            return 0
        if nic.isconnected():
            return 1
        if self.kind == "wlan":
            st = nic.status()
            if st in _DENIED:
                return 3
            return 2 if self.want else 0
        if self.refused:
            return 3
        return 2 if self.want else 0

    def bring(self, up, ctx):
        if not up:
            self.want = False
            self._disconnect()
            self.poll()
            return 0
        if self._make() is None:
            return -1
        self.want = True
        self._connect(ctx)
        if not self.want:
            return -1
        t = _p.time
        end = t.ticks_add(t.ticks_ms(), self.timeout_ms)
        while not self.poll():
            if t.ticks_diff(end, t.ticks_ms()) <= 0 or self.reg() == 3:
                return -1
            t.sleep_ms(100)
        return 0

    # -- state ---------------------------------------------------------------
    def poll(self):
        """Read the interface; report a change to _modem. True when up."""
        nic = self.nic
        up, ip, dns = False, _NONE, _NONE
        if nic is not None and nic.isconnected():
            c = nic.ifconfig()
            ip, dns = c[0], c[3]
            up = ip != _NONE
        with self._lock:
            changed = self._seen != (up, ip, dns)
            self._seen = (up, ip, dns)
        if changed and self._update is not None:
            self._update(1, up, ip, [dns, _NONE])
        return up

    def _watch(self):
        while True:
            try:
                self.poll()
            except Exception as e:  # a flaky driver must not end the watch
                _config.log("link watch: %r" % e)
            _p.time.sleep_ms(self.poll_ms)


class _Dialer:
    """A cellular modem on a UART: AT commands until CONNECT, then PPP."""

    def __init__(self, link):
        self.link = link
        self.ppp = None

    def _at(self, cmd, want, timeout_ms=5000):
        u, t = self.link.uart, _p.time
        u.write(cmd + "\r")
        got = b""
        end = t.ticks_add(t.ticks_ms(), timeout_ms)
        while t.ticks_diff(end, t.ticks_ms()) > 0:
            d = u.read()
            if d:
                got += d
                if want in got:
                    return True
                if b"ERROR" in got or b"NO CARRIER" in got:
                    break
            else:
                t.sleep_ms(50)
        _config.log("modem: %s -> %r" % (cmd, got))
        return False

    def dial(self, ctx):
        c = self.link.cfg
        apn = (ctx and ctx[1]) or c.get("apn", "")
        self.link.refused = False
        for cmd in c.get("init", ["AT", 'AT+CGDCONT=1,"IP","{apn}"']):
            if not self._at(cmd.replace("{apn}", apn), b"OK"):
                self.link.refused = True
                return
        if not self._at(c.get("dial", "ATD*99#"), b"CONNECT"):
            self.link.refused = True
            return
        net = self.link.network
        self.ppp = net.PPP(self.link.uart)
        self.ppp.active(True)
        user, key = c.get("user") or None, c.get("password") or None
        try:  # MicroPython 1.25+ (extmod PPP)
            self.ppp.connect(user=user, key=key)
        except TypeError:  # 1.24's ESP32 PPP
            self.ppp.connect(username=user or "", password=key or "")

    def isconnected(self):
        return self.ppp is not None and self.ppp.isconnected()

    def ifconfig(self):
        return self.ppp.ifconfig()

    def active(self, on):
        if not on and self.ppp is not None:
            self.ppp.active(False)
            self.ppp = None
