# The eS-WiFi driver's link half: joining the access point (C1..C4, C0), the
# watcher that asks CS once a second and rejoins, and DNS (D0). Mixed into
# EsWifi; the command helpers (_ok, _set, _status) are _eswifi_at's.
from ._port import port as _p
from . import _config
from ._atline import fields
from ._eswifi_at import ip_or_none
from ._mcore import Driver

_t = _p.thread
_err = _p.oserror


class Link:
    def start(self, auto, update):
        Driver.start(self, auto, update)
        _t.start_new_thread(self._watch, ())

    def init(self):
        self.write(b"\r")  # ends whatever half command the module holds
        joined = self._status(2000)
        with self.turns:  # free what an earlier run may have left open
            for n in range(self.SOCKETS):
                try:
                    self._sel(n)
                    self._ok(b"P6=0\r")
                    self._ok(b"P5=0\r")
                except OSError:
                    self.sel = -1
        self.registered = joined
        if joined:  # still associated from before: C? holds the address
            try:
                with self.turns:
                    f = fields(self._ok(b"C?\r")[-1].decode())
                ip = ip_or_none(f[5]) if len(f) > 5 else None
            except (OSError, ValueError, IndexError):
                ip = None
            self.set_link(True, ip)

    def bring_up(self, ctx=None):
        self.joining = True  # the watcher leaves it to us
        try:
            with self.turns:
                self.sel = -1  # the module may have restarted since
                self._set("C1", self.ssid)
                self._set("C2", self.password)
                self._set("C3", self.security)
                self._set("C4", 1)  # DHCP
                body = self._ok(b"C0\r", self.connect_s * 1000)
        finally:
            self.joining = False
        ip = None
        for b in body:
            if b[:6] == b"[JOIN ":
                f = b.decode().split(",")
                ip = ip_or_none(f[-3]) if len(f) >= 4 else None
        self.registered = True
        self.set_link(True, ip)

    def bring_down(self):
        with self.turns:
            self._ok(b"CD\r")
        self.registered = False
        self._lost()

    def _check_link(self, limit=None):
        """After a socket error: False (and every socket ended) if the
        association is gone, True if it holds, None if the module is mute
        (or the app call, limit, ran out first)."""
        try:
            if self._status(limit=limit):
                return True
        except OSError:
            return None
        if self.up:
            self._lost()
        return False

    def _watch(self):
        # A lost AP or a module restart shows only in CS; check it each second.
        misses, told = 0, False
        while True:
            self.pause.wait(1000)
            if not self.answered or not (self.up or self.want) or self.joining:
                continue
            try:
                joined = self._status()
                misses = 0
            except OSError:
                misses += 1
                if misses >= 3 and self.up:
                    _config.log("eswifi: the module does not answer")
                    self._lost()
                continue
            if not joined and self.up:
                self._lost()
                continue
            if self.want and not self.up:
                try:
                    self.bring_up()
                    told = False
                except OSError as e:
                    if not told:
                        _config.log("eswifi: can't join %r yet (%s); still trying" % (self.ssid, e))
                        told = True

    def resolve(self, host):
        try:
            with self.turns:
                body = self._ok(("D0=%s\r" % host).encode())
            ip = ip_or_none(body[-1].decode()) if body else None
        except (OSError, ValueError):
            ip = None
        if ip is None:
            raise _err(-202)
        return ip

    # -- sockets ----------------------------------------------------------------------------------
