# The WIP modem's IP stack and GPRS bearer: AT+WIPCFG and echo at start
# (init), AT+WIPBR up (bring_up) and down, and the thread that brings them
# back after the bearer dropped or the modem rebooted (kick). It owns the
# APN and credentials and the recovery state; it runs its commands through
# the driver's uart under the command lock, and sets core.Driver's link
# flags (registered, set_link).
from ..._ports import port as _p
from ..atline import fields

_time = _p.time


class Bearer:
    def __init__(self, drv, cfg):
        self.d = drv
        self.apn = cfg.get("apn", "")
        self.user = cfg.get("username", "")
        self.password = cfg.get("password", "")
        self.recovering = False  # a thread brings the link back
        self.need_init = False  # the modem rebooted: stack and echo as at power-on

    def restarted(self):
        self.need_init = True

    def kick(self):
        d = self.d
        if (self.need_init or d.want and not d.up) and not self.recovering:
            self.recovering = True
            _p.thread.start_new_thread(self._recover, ())

    def _recover(self):
        # Not in the reader: it must go on reading the answers.
        d = self.d
        try:
            while self.need_init or d.want and not d.up:
                try:
                    if self.need_init:
                        self.need_init = False
                        try:
                            self.init()
                        except OSError:
                            self.need_init = True
                            raise
                    if d.want:
                        self.bring_up()
                except OSError as e:
                    from ..._lib import config as _config

                    _config.log("wip: bringing the link back: %s; trying again" % (e,))
                    _time.sleep_ms(1000)
        finally:
            self.recovering = False
        self.kick()  # a loss while it ended

    def init(self):
        d, u = self.d, self.d.uart
        with d.cmdlock:
            try:
                u.ok("ATE0")
            except OSError:
                u.escape_blind()  # a UART left mapped takes commands for data
                raise
            u.ok("AT+CMEE=1")
            u.ok("AT+WIPCFG=1", (844,))  # 844: already started
            try:
                reg = u.ok("AT+CREG?", collect=b"+CREG:")
                d.registered = [1 for ln in reg if fields(ln[6:].decode())[1:2] in (["1"], ["5"])] != []
            except (OSError, ValueError):
                d.registered = True  # it can't say: the bearer's start will

    def bring_up(self, ctx=None):
        d, u = self.d, self.d.uart
        if ctx and len(ctx) > 3:  # dataCall's [ipType, apn, user, password, auth]; kept for a restart
            self.apn, self.user, self.password = ctx[1] or self.apn, ctx[2] or self.user, ctx[3] or self.password
        with d.cmdlock:
            u.to_at()
            u.ok("AT+WIPBR=1,6", (804,))  # 804: already open
            u.ok('AT+WIPBR=2,6,11,"%s"' % self.apn)
            if self.user:
                u.ok('AT+WIPBR=2,6,0,"%s"' % self.user)
                u.ok('AT+WIPBR=2,6,1,"%s"' % self.password)
            u.ok("AT+WIPBR=4,6,0", timeout_ms=d.connect_s * 1000)
            info = u.ok("AT+WIPBR=3,6,15", collect=b"+WIPBR:")
        ip = None
        for ln in info:
            f = fields(ln[7:].decode())
            if f[:2] == ["6", "15"]:
                ip = f[2]
        d.registered = True
        d.set_link(True, ip)

    def bring_down(self):
        d, u = self.d, self.d.uart
        with d.cmdlock:
            u.to_at()
            u.ok("AT+WIPBR=5,6")
