# The eS-WiFi module's Wi-Fi association: joining the access point (C1..C4,
# C0), the watcher thread that asks CS once a second and rejoins, DNS (D0),
# and what init finds after a restart. It owns the join settings; it
# reaches the driver through its command channel (drv.at), link_lost(),
# set_link() and core.Driver's link flags.
from ..._ports import port as _p
from ..atline import fields
from ..core import Event
from .at import ip_or_none

_err = _p.oserror


class Wifi:
    def __init__(self, drv, cfg):
        self.d = drv
        self.pause = Event()  # the watcher sleeps on it between checks
        self.joining = False
        self.ssid = str(cfg.get("ssid", "qpyshim"))
        self.password = str(cfg.get("password", ""))
        self.security = int(cfg.get("security", 3 if self.password else 0))  # 0 open, 3 WPA2

    def start(self):
        _p.thread.start_new_thread(self._watch, ())

    def init(self):
        d, at = self.d, self.d.at
        d.write(b"\r")  # ends whatever half command the module holds
        joined = at.status(2000)
        with at.turns:  # free what an earlier run may have left open
            for n in range(d.SOCKETS):
                try:
                    at.select(n)
                    at.ok(b"P6=0\r")
                    at.ok(b"P5=0\r")
                except OSError:
                    at.reselect()
        d.registered = joined
        if joined:  # still associated from before: C? holds the address
            try:
                with at.turns:
                    f = fields(at.ok(b"C?\r")[-1].decode())
                ip = ip_or_none(f[5]) if len(f) > 5 else None
            except (OSError, ValueError, IndexError):
                ip = None
            d.set_link(True, ip)

    def bring_up(self):
        d, at = self.d, self.d.at
        self.joining = True  # the watcher leaves it to us
        try:
            with at.turns:
                at.reselect()  # the module may have restarted since
                at.set("C1", self.ssid)
                at.set("C2", self.password)
                at.set("C3", self.security)
                at.set("C4", 1)  # DHCP
                body = at.ok(b"C0\r", d.connect_s * 1000)
        finally:
            self.joining = False
        ip = None
        for b in body:
            if b[:6] == b"[JOIN ":
                f = b.decode().split(",")
                ip = ip_or_none(f[-3]) if len(f) >= 4 else None
        d.registered = True
        d.set_link(True, ip)

    def bring_down(self):
        d, at = self.d, self.d.at
        with at.turns:
            at.ok(b"CD\r")
        d.registered = False
        d.link_lost()

    def check(self, limit=None):
        """After a socket error: False (and every socket ended) if the
        association is gone, True if it holds, None if the module is mute
        (or the app call, limit, ran out first)."""
        d = self.d
        try:
            if d.at.status(limit=limit):
                return True
        except OSError:
            return None
        if d.up:
            d.link_lost()
        return False

    def _watch(self):
        # A lost AP or a module restart shows only in CS; check it each second.
        from ..._lib import config as _config

        d = self.d
        misses, told = 0, False
        while True:
            self.pause.wait(1000)
            if not d.answered or not (d.up or d.want) or self.joining:
                continue
            try:
                joined = d.at.status()
                misses = 0
            except OSError:
                misses += 1
                if misses >= 3 and d.up:
                    _config.log("eswifi: the module does not answer")
                    d.link_lost()
                continue
            if not joined and d.up:
                d.link_lost()
                continue
            if d.want and not d.up:
                try:
                    self.bring_up()
                    told = False
                except OSError as e:
                    if not told:
                        _config.log("eswifi: can't join %r yet (%s); still trying" % (self.ssid, e))
                        told = True

    def resolve(self, host):
        at = self.d.at
        try:
            with at.turns:
                body = at.ok(("D0=%s\r" % host).encode())
            ip = ip_or_none(body[-1].decode()) if body else None
        except (OSError, ValueError):
            ip = None
        if ip is None:
            raise _err(-202)
        return ip
