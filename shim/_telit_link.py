# The Telit driver's link half: setting the module up (echo, CMEE, the
# connIds' #SCFG/#SCFGEXT, the APN, the firewall entry), the PDP context
# (#SGACT), the monitor that asks #SGACT? and brings the context back, and
# DNS (#QDNS). Mixed into Telit; commands go through its _at/_must.
from ._port import port as _p
from . import _config
from . import _telit_at as at
from ._mcore import Driver

_err = _p.oserror
_t = _p.thread


class Link:
    # -- the link ------------------------------------------------------------------------
    def start(self, auto, update):
        Driver.start(self, auto, update)
        _t.start_new_thread(self._monitor, ())

    def init(self):
        self.inited = False
        self._at("AT", timeout_ms=1000)  # OSError(110) until the modem answers
        self._must("ATE0")
        self._must("AT+CMEE=2")
        for i in range(1, self.nsock + 1):
            if self.find(i) is None:  # (a connId in use keeps its settings)
                # No inactivity timeout (the default 90 s closes idle
                # sockets); the data URC with its byte count.
                self._must("AT#SCFG=%d,1,0,0,600,50" % i)
                self._must("AT#SCFGEXT=%d,1,0,0" % i)
        self._must('AT+CGDCONT=1,"IP","%s"' % self.apn)
        # Admit every peer: the board's own firewall (usocket) filters.
        self._at('AT#FRWL=1,"0.0.0.0","0.0.0.0"')  # refused if already listed: fine
        r, lines = self._at("AT#SS")
        for ln in lines:
            s = at.ss(ln)
            if s is not None and s[1] != 0 and self.find(s[0]) is None:
                self._hangup(s[0])  # left open by an earlier run of the app
        r, lines = self._at("AT+CREG?")
        f = at.info(lines, b"+CREG:")
        self.registered = f is not None and len(f) > 1 and f[1] in ("1", "5")
        self.need_init = False
        self.inited = True

    def bring_up(self, ctx=None):
        r, lines = self._at("AT#SGACT=1,1", timeout_ms=max(self.timeout_ms, self.connect_s * 1000))
        if r == 553:  # already active: its address from +CGPADDR
            r, lines = self._at("AT+CGPADDR=1")
            f = at.info(lines, b"+CGPADDR:")
            ip = f[1] if f is not None and len(f) > 1 else None
        elif r == 0:
            f = at.info(lines, b"#SGACT:")
            ip = f[0] if f else None
        else:
            raise _err(113 if r in (555, 556) else 5)
        self.registered = True
        self.set_link(True, ip if ip and at.dotted(ip) else None)

    def bring_down(self):
        self._at("AT#SGACT=1,0")
        self.drop_all(103)
        self.set_link(False)

    def _link_check(self, limit=None):
        """Whether context 1 is still active; its loss ends every socket."""
        r, lines = self._at("AT#SGACT?", limit=limit)
        if r:
            raise _err(5)
        up = at.sgact(lines)
        if not up and self.up:
            _config.log("telit: the data context went down")
            self.need_init = True  # cheap, and a restart needs it
            self.drop_all(103)
            self.set_link(False)
        return up

    def _monitor(self):
        # Sleeps between checks; a check waits its turn for the command lock.
        while True:
            self.tick.wait(self.check_ms)
            if not self.answered:
                continue  # _boot is still running init
            try:
                if self.up:
                    self._link_check()
                if self.need_init:
                    self.init()
                if not self.up and self.want:
                    self.bring_up()
            except OSError:
                pass  # no answer, or not yet: again at the next tick

    def resolve(self, host):
        if '"' in host or len(host) > 255:
            raise _err(-202)
        r, lines = self._at('AT#QDNS="%s"' % host, timeout_ms=max(self.timeout_ms, self.connect_s * 1000))
        f = at.info(lines, b"#QDNS:") if r == 0 else None
        if f is None or len(f) < 2 or not at.dotted(f[1]):
            raise _err(-202)
        return f[1]
