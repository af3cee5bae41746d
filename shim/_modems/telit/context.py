# The Telit module's setup and its PDP context: echo, CMEE, the connIds'
# #SCFG/#SCFGEXT, the APN and the firewall entry (init); #SGACT up and down;
# the monitor thread that asks #SGACT? each second and brings the context
# (or, after a restart, the module's settings) back; DNS (#QDNS). It owns
# that state; it reaches the driver only through command()/must()/hangup(),
# find(), drop_all(), set_link() and core.Driver's link flags.
from ..._ports import port as _p
from ..core import Event
from . import at as at

_err = _p.oserror


class Context:
    def __init__(self, drv, cfg):
        self.d = drv
        self.apn = str(cfg.get("apn", ""))
        self.check_ms = int(cfg.get("link_check_ms", 1000))  # #SGACT? from the monitor
        self.inited = False
        self.need_init = False  # the modem lost its settings (restart): run init again
        self.tick = Event()  # wakes the monitor early

    def start(self):
        _p.thread.start_new_thread(self._monitor, ())

    def alarm(self):
        """Something the modem said may mean the context (or its settings)
        went: check now rather than at the next tick."""
        self.tick.wake()

    def restarted(self):
        self.need_init = True
        self.tick.wake()

    def init(self):
        d = self.d
        self.inited = False
        d.command("AT", timeout_ms=1000)  # OSError(110) until the modem answers
        d.must("ATE0")
        d.must("AT+CMEE=2")
        for i in range(1, d.nsock + 1):
            if d.find(i) is None:  # (a connId in use keeps its settings)
                # No inactivity timeout (the default 90 s closes idle
                # sockets); the data URC with its byte count.
                d.must("AT#SCFG=%d,1,0,0,600,50" % i)
                d.must("AT#SCFGEXT=%d,1,0,0" % i)
        d.must('AT+CGDCONT=1,"IP","%s"' % self.apn)
        # Admit every peer: the board's own firewall (usocket) filters.
        d.command('AT#FRWL=1,"0.0.0.0","0.0.0.0"')  # refused if already listed: fine
        r, lines = d.command("AT#SS")
        for ln in lines:
            s = at.ss(ln)
            if s is not None and s[1] != 0 and d.find(s[0]) is None:
                d.hangup(s[0])  # left open by an earlier run of the app
        r, lines = d.command("AT+CREG?")
        f = at.info(lines, b"+CREG:")
        d.registered = f is not None and len(f) > 1 and f[1] in ("1", "5")
        self.need_init = False
        self.inited = True

    def bring_up(self):
        d = self.d
        r, lines = d.command("AT#SGACT=1,1", timeout_ms=max(d.timeout_ms, d.connect_s * 1000))
        if r == 553:  # already active: its address from +CGPADDR
            r, lines = d.command("AT+CGPADDR=1")
            f = at.info(lines, b"+CGPADDR:")
            ip = f[1] if f is not None and len(f) > 1 else None
        elif r == 0:
            f = at.info(lines, b"#SGACT:")
            ip = f[0] if f else None
        else:
            raise _err(113 if r in (555, 556) else 5)
        d.registered = True
        d.set_link(True, ip if ip and at.dotted(ip) else None)

    def bring_down(self):
        d = self.d
        d.command("AT#SGACT=1,0")
        d.drop_all(103)
        d.set_link(False)

    def check(self, limit=None):
        """Whether context 1 is still active; its loss ends every socket."""
        d = self.d
        r, lines = d.command("AT#SGACT?", limit=limit)
        if r:
            raise _err(5)
        up = at.sgact(lines)
        if not up and d.up:
            from ..._lib import config as _config

            _config.log("telit: the data context went down")
            self.need_init = True  # cheap, and a restart needs it
            d.drop_all(103)
            d.set_link(False)
        return up

    def _monitor(self):
        # Sleeps between checks; a check waits its turn for the command lock.
        d = self.d
        while True:
            self.tick.wait(self.check_ms)
            if not d.answered:
                continue  # _boot is still running init
            try:
                if d.up:
                    self.check()
                if self.need_init:
                    self.init()
                if not d.up and d.want:
                    self.bring_up()
            except OSError:
                pass  # no answer, or not yet: again at the next tick

    def resolve(self, host):
        d = self.d
        if '"' in host or len(host) > 255:
            raise _err(-202)
        r, lines = d.command('AT#QDNS="%s"' % host, timeout_ms=max(d.timeout_ms, d.connect_s * 1000))
        f = at.info(lines, b"#QDNS:") if r == 0 else None
        if f is None or len(f) < 2 or not at.dotted(f[1]):
            raise _err(-202)
        return f[1]
