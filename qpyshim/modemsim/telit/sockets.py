"""The Telit simulator's connIds: opening and closing them (#SD, #SL/#SA,
#SO, #SH), their settings (#SCFG, #SCFGEXT) and status (#SS, #SI,
#SLASTCLOSURE), and the host sockets behind them. Sockets owns the table
and its data path (data.py); it answers on the UART (uart.py), asks the
modem (`modem`: net, connect, watch, unwatch, close_host, take, later,
context_active) and the firewall (admits) what they know."""

import threading

from ..net import UnknownHost
from .codec import Bad, norm_ip, num, string
from .data import DataPath


class Conn:
    """One connId's socket; a new one each time the connId opens."""

    def __init__(self, cid):
        self.cid = cid
        self.state = 0  # the #SS state
        self.proto = 0  # 0 TCP, 1 UDP
        self.host = None  # the host socket behind it
        self.rx = bytearray()  # TCP bytes not yet read by #SRECV
        self.dgrams = []  # UDP: [[data, (ip, port)]]
        self.peer = None  # (ip, port) as the modem reports it
        self.lport = 0
        self.listen_port = None  # states 4 and 5
        self.parked = None  # state 5: the host connection waiting for #SA
        self.closure_type = 0  # #SD's: 0 close with the peer, 255 only on #SH
        self.told = False  # an SRING announced what rx holds
        self.remote_closed = False  # the peer's FIN came; rx still readable
        self.paused = False  # the host socket is not read (buffer full)
        self.out = bytearray()  # for the peer, not yet taken by the host socket
        self.hold_ok = False  # #SSENDEXT's OK waits for out to drain
        self.sent = self.received = 0
        self.udp_port = None  # a modem UDP port registered in SimNet
        self.timer = None  # the #SD connect timeout


class Sockets:
    def __init__(self, modem, uart, firewall, limit, sring_every):
        self.modem, self.uart, self.firewall = modem, uart, firewall
        self.limit = limit
        self.conns = {i: Conn(i) for i in range(1, limit + 1)}
        self.closure = {i: 0 for i in self.conns}  # #SLASTCLOSURE causes
        self.scfg = {i: [1, 300, 90, 600, 50] for i in self.conns}
        self.scfgext = {i: [0, 0, 0, 0, 0] for i in self.conns}
        self.ports = {}  # modem port -> host listening socket
        self.data = DataPath(self, modem, uart, sring_every)

    def fresh(self, cid):
        c = self.conns[cid] = Conn(cid)
        return c

    def ctx_up(self, cid):
        return self.modem.context_active(self.scfg[cid][0])

    def view(self, addr, proto="tcp"):
        """A host peer address as the modem reports it; an ip-only endpoint
        ("80.80.80.80": "127.0.0.1") also names traffic from its target."""
        ip, port = self.modem.net.view(addr, proto)
        for k, (dip, dport) in self.modem.net.endpoints.items():
            if isinstance(k, str) and dport is None and dip == ip:
                return k, port
        return ip, port

    # -- opening -----------------------------------------------------------------------
    def c_SD(self, form, a):
        if form != "set":
            raise Bad(form)
        cid, prot, rport = num(a, 0, 1, self.limit), num(a, 1, 0, 1), num(a, 2, 1, 65535)
        host = norm_ip(string(a, 3))
        closure, lport, mode = num(a, 4, 0, 255, 0), num(a, 5, 0, 65535, 0), num(a, 6, 0, 1, 0)
        if closure not in (0, 255):
            raise Bad(closure)
        if not self.ctx_up(cid):
            return self.uart.cme(556)
        if self.conns[cid].state:
            return self.uart.cme(551)
        try:
            ip = self.modem.net.resolve(host)
        except (UnknownHost, ValueError):
            return self.uart.cme(558)
        self.closure[cid] = 0
        c = self.fresh(cid)
        c.proto, c.peer, c.closure_type = prot, (ip, rport), closure
        if prot == 1:
            return self.open_udp(c, lport, mode)
        c.state = 7  # connecting; the AT line waits for the result, as the module's does
        self.uart.busy = True
        c.timer = threading.Timer(self.scfg[cid][3] / 10,
                                  lambda: self.modem.later(lambda: self.dialled(c, None, "timeout")))
        c.timer.daemon = True
        c.timer.start()
        self.modem.connect(ip, rport, lambda hs, why: self.dialled(c, hs, why, mode))

    def dialled(self, c, hs, why, mode=1):
        if self.conns.get(c.cid) is not c or c.state != 7:
            if hs is not None:
                hs.close()  # it timed out already, or the modem restarted
            return
        c.timer.cancel()
        self.uart.busy = False
        if hs is None:
            self.fresh(c.cid)
            # [U] an unreachable address (one SimNet won't route) reads as a timeout.
            self.uart.cme({"refused": 562, "dns": 558}.get(why, 559))
        else:
            c.host, c.lport, c.state = hs, hs.getsockname()[1], 2
            self.data.rewatch(c)
            if mode == 1:
                self.uart.ok()
            else:
                self.go_online(c)
        self.uart.pump()

    def open_udp(self, c, lport, mode):
        if lport:
            if any(o is not c and o.proto == 1 and o.state and o.udp_port == lport for o in self.conns.values()):
                self.fresh(c.cid)
                return self.uart.cme(560)
            c.host = self.modem.net.listen(lport, "udp")[0]
            c.udp_port = lport
        else:
            c.host = self.modem.net.udp()
        c.lport, c.state = lport or c.host.getsockname()[1], 2
        self.data.rewatch(c)
        if mode == 1:
            self.uart.ok()
        else:
            self.go_online(c)

    def c_SL(self, form, a):
        if form == "read":
            return self.uart.ok(*(f"#SL: {c.cid},1,{c.listen_port}" for c in self.conns.values() if c.state in (4, 5)))
        cid, st = num(a, 0, 1, self.limit), num(a, 1, 0, 1)
        c = self.conns[cid]
        if st == 0:
            if c.state in (4, 5):
                self.discard(c)
            elif c.state:
                return self.uart.cme(551)
            return self.uart.ok()
        port = num(a, 2, 1, 65535)
        num(a, 3, 0, 255, 0)  # closureType / lingerT: taken, not used
        if not self.ctx_up(cid):
            return self.uart.cme(556)
        if c.state == 4 or self.modem.take("refuse-listen"):
            return self.uart.cme(564)
        if c.state:
            return self.uart.cme(551)
        if port not in self.ports:
            try:
                self.ports[port] = self.modem.net.listen(port, "tcp")[0]
            except OSError:
                return self.uart.cme(557)
        c = self.fresh(cid)
        c.state, c.listen_port, c.lport = 4, port, port
        self.closure[cid] = 0
        self.port_check(port)
        self.uart.ok()

    def port_check(self, port):
        """One host listener per port, read only while a connId listens on
        it: clients that come meanwhile wait in the kernel's backlog."""
        ls = self.ports.get(port)
        if ls is None:
            return
        if any(c.state == 4 and c.listen_port == port for c in self.conns.values()):
            self.modem.watch(ls, on_read=lambda s: self.incoming(port))
        else:
            self.modem.unwatch(ls)

    def port_release(self, port):
        if any(c.state in (4, 5) and c.listen_port == port for c in self.conns.values()):
            return self.port_check(port)
        ls = self.ports.pop(port, None)
        if ls is not None:
            self.modem.close_host(ls)
            self.modem.net.unlisten(port)

    def incoming(self, port):
        try:
            hs, addr = self.ports[port].accept()
        except (OSError, KeyError):
            return
        hs.setblocking(False)
        ip, p = self.view(addr)
        c = next((c for c in self.conns.values() if c.state == 4 and c.listen_port == port), None)
        if c is None or not self.firewall.admits(ip):
            return self.modem.close_host(hs, reset=True)  # [U] a firewall DROP can't be simulated: the peer sees a reset
        c.state, c.parked, c.peer = 5, hs, (ip, p)
        self.uart.urc(f"SRING:{c.cid}")  # the "IP Sockets Overview" note's spelling of the listen URC
        self.port_check(port)

    def c_SA(self, form, a):
        c = self.conns[num(a, 0, 1, self.limit)]
        mode = num(a, 1, 0, 1, 0)
        if c.state != 5:
            return self.uart.cme(551)
        port = c.listen_port
        c.host, c.parked, c.listen_port, c.lport, c.state = c.parked, None, None, port, 2
        self.data.rewatch(c)
        self.port_check(port)
        if mode == 1:
            self.uart.ok()
        else:
            self.go_online(c)

    def c_SO(self, form, a):
        c = self.conns[num(a, 0, 1, self.limit)]
        if c.state not in (2, 3) or c.host is None:
            return self.uart.cme(566)
        self.go_online(c)

    # -- closing -----------------------------------------------------------------------
    def c_SH(self, form, a):
        c = self.conns[num(a, 0, 1, self.limit)]
        if c.host is not None and c.out and c.proto == 0:
            try:  # what the peer has not taken yet still goes, before the FIN
                c.host.settimeout(1)
                c.host.sendall(c.out)
            except OSError:
                pass
        self.closure[c.cid] = 0
        self.discard(c)
        self.uart.ok()

    def gone(self, c, cause):
        """The host connection ended: 1 the peer's FIN, 2 a reset."""
        self.closure[c.cid] = cause
        if cause == 1 and (c.closure_type == 255 or (c.rx and self.uart.online is not c)):
            c.remote_closed = True  # half-closed, or data still to read: open until #SH / drained
            self.data.rewatch(c)
            return
        if self.uart.online is c:
            self.uart.leave_online(c)
        self.discard(c, reset=cause == 2)

    def discard(self, c, reset=False):
        if c.hold_ok:
            c.hold_ok, self.uart.busy = False, False
            self.uart.cme(565)
        for s in (c.host, c.parked):
            if s is not None:
                self.modem.close_host(s, reset=reset and c.proto == 0)
        c.host = c.parked = None
        if c.udp_port:
            self.modem.net.unlisten(c.udp_port, "udp")
        if c.timer is not None:
            c.timer.cancel()
        if self.uart.online is c:
            self.uart.online = None
        if self.conns.get(c.cid) is c:
            self.fresh(c.cid)
        if c.listen_port is not None:
            self.port_release(c.listen_port)

    # -- status --------------------------------------------------------------------------
    def ids(self, form, a):
        return [num(a, 0, 1, self.limit)] if form == "set" else sorted(self.conns)

    def c_SS(self, form, a):
        self.uart.ok(*(self.ss_line(self.conns[i]) for i in self.ids(form, a)))

    def ss_line(self, c):
        if c.state == 0:
            return f"#SS: {c.cid},0"
        if c.state == 4:
            return f"#SS: {c.cid},4,{self.modem.net.ip},{c.lport}"
        st = c.state
        if st in (2, 3):
            st = 3 if c.rx or c.dgrams else 2
        peer = c.peer or ("0.0.0.0", 0)
        return f"#SS: {c.cid},{st},{self.modem.net.ip},{c.lport},{peer[0]},{peer[1]}"

    def c_SI(self, form, a):
        self.uart.ok(*(f"#SI: {i},{c.sent},{c.received},{len(c.rx) + sum(len(d) for d, _ in c.dgrams)},0"
                  for i, c in ((i, self.conns[i]) for i in self.ids(form, a))))

    def c_SLASTCLOSURE(self, form, a):
        self.uart.ok(*(f"#SLASTCLOSURE: {i},{self.closure[i]}" for i in self.ids(form, a)))

    # -- online mode: the UART's half is uart.py -----------------------------------------
    def go_online(self, c):
        c.state = 1
        self.uart.go_online(c)
        if c.rx:
            self.uart.send(bytes(c.rx))
            c.rx.clear()
        c.told = False
        self.data.resume(c)

    def suspended(self, c):
        """A `+++` took the UART back: the connId stays open."""
        c.state = 3 if c.rx else 2

    # -- settings ------------------------------------------------------------------------
    def c_SCFG(self, form, a):
        if form == "read":
            return self.uart.ok(*(f"#SCFG: {i},{','.join(map(str, v))}" for i, v in self.scfg.items()))
        i = num(a, 0, 1, self.limit)
        v = [num(a, 1, 1, 5), num(a, 2, 0, 1500), num(a, 3, 0, 65535), num(a, 4, 10, 1200), num(a, 5, 0, 264)]
        self.scfg[i] = v  # [U] maxTo is kept, not enforced: no socket closes for inactivity
        self.uart.ok()

    def c_SCFGEXT(self, form, a):
        if form == "read":
            return self.uart.ok(*(f"#SCFGEXT: {i},{','.join(map(str, v))}" for i, v in self.scfgext.items()))
        i = num(a, 0, 1, self.limit)
        self.scfgext[i] = [num(a, 1, 0, 3), num(a, 2, 0, 1), num(a, 3, 0, 240), num(a, 4, 0, 1, 0), num(a, 5, 0, 1, 0)]
        self.uart.ok()

    # -- the modem's events ----------------------------------------------------------------
    def drop_connections(self):
        """The network resets every TCP connection (#SLASTCLOSURE 2)."""
        for c in list(self.conns.values()):
            if c.proto == 0 and c.state in (1, 2, 3):
                self.gone(c, 2)

    def context_lost(self, cid, cause):
        """PDP context cid went: its connIds close with `cause`."""
        for c in list(self.conns.values()):
            if c.state and self.scfg[c.cid][0] == cid:
                self.closure[c.cid] = cause
                self.uart.leave_online(c)
                self.discard(c, reset=True)

    def shutdown(self):
        """Power off: every host socket goes, nothing answers."""
        for c in list(self.conns.values()):
            c.hold_ok = False  # nothing answers across a power cycle
            self.discard(c, reset=True)
        for ls in self.ports.values():
            self.modem.close_host(ls)
