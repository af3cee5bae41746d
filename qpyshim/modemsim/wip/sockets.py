"""The WIP simulator's sockets: +WIPCREATE (UDP, TCP clients, servers),
+WIPCLOSE, +WIPDATA (which socket the UART maps, and what it held), data
held and announced for unmapped sockets, the host sockets' events and flow
control against the paced UART (data.py, its data path). Owned by
WipSim; it answers on the UART (uart.py) and asks the modem (`modem`:
bearer, net, connect, watch, unwatch, close_host, take, log). The choices
it makes are listed in sim.py's docstring."""

from ..net import UnknownHost
from .codec import num
from .data import DataPath, Sock

LATE_ERR = {"dns": 848, "refused": 843}  # a create's late error; else 842


class Sockets:
    def __init__(self, modem, uart, limit):
        self.modem, self.uart = modem, uart
        self.limit = limit
        self.data = DataPath(self, modem, uart)
        self.reset()

    def reset(self):
        self.socks = {}  # (proto, idx) -> Sock
        self.ports = {}  # UDP local port -> [host socket, users]
        self.data.reset()

    # -- the socket commands ---------------------------------------------------------------
    def c_wipdata(self, a):
        if a is None:
            out = []
            for (p, i), s in sorted(self.socks.items()):
                if p == 2 and s.rx:
                    out.append(b"+WIPDATA: 2,%d,%d" % (i, len(s.rx)))
                elif p == 1 and s.dgrams:
                    d, (ip, port) = s.dgrams[0]
                    out.append(b'+WIPDATA: 1,%d,%d,"%s",%d' % (i, len(d), ip.encode(), port))
            return self.uart.info(out)
        if len(a) != 3 or None in (num(a[0], 0, 9), num(a[1], 0, 99), num(a[2], 0, 9)):
            return self.uart.err(800)
        p, i, m = num(a[0]), num(a[1]), num(a[2])
        if p not in (1, 2):
            return self.uart.err(837)
        if not 1 <= i <= 8:
            return self.uart.err(830)
        s = self.socks.get((p, i))
        if s is None or s.state not in ("ready", "fin") or s.state == "fin" and not s.rx:
            return self.uart.err(831)  # nothing to read, and the peer's FIN leaves nothing to send to
        if m == 0:
            return self.uart.ok()  # unmapping another UART: this modem has one
        if m not in (1, 2) or m == 2 and p == 1:
            return self.uart.err(800)
        self.uart.map(s, m)
        if p == 2:
            if s.rx:
                self.uart.to_mapped(bytes(s.rx))
                s.rx.clear()
            s.announced = False
            if s.state == "fin":  # what it held, then the end
                return self.uart.end_session(b"+WIPPEERCLOSE: 2,%d" % i)
        else:
            for d, _ in s.dgrams:
                self.uart.to_mapped(d, dgram=True)
            s.dgrams.clear()

    def c_wipcreate(self, a):
        if a is None:
            out = []
            for (p, i), s in sorted(self.socks.items()):
                if s.state != "connecting":
                    ip, port = s.peer or ("0.0.0.0", 0)
                    out.append(b'+WIPCREATE: %d,%d,%d,"%s",%d' % (p, i, s.lport, ip.encode(), port))
            return self.uart.info(out)
        if self.modem.bearer != "up":
            return self.uart.err(803)
        proto = num(a[0], 0, 9)
        if proto not in (1, 2, 3):
            return self.uart.err(834 if proto == 4 else 837)
        if proto == 3:
            return self._server(a[1:])
        need = {1: (1, 2, 4), 2: (3,)}[proto]
        if len(a) - 1 not in need:
            return self.uart.err(800)
        idx = num(a[1], 1, 8)
        if idx is None:
            return self.uart.err(830)
        if (proto, idx) in self.socks or proto == 2 and idx in self._reserved():
            return self.uart.err(831)
        if self.full():
            return self.uart.err(838)
        if proto == 2:
            return self._tcp(idx, a[2][0], num(a[3]))
        lport = 0 if len(a) < 3 or a[2][0] == "" else num(a[2])
        peer = (a[3][0], num(a[4])) if len(a) == 5 else None
        if lport is None or peer is not None and peer[1] is None:
            return self.uart.err(800)
        self._udp(idx, lport, peer)

    def full(self):
        """The `sockets` limit is reached (servers do not count)."""
        return self.limit is not None and sum(1 for k in self.socks if k[0] != 3) >= self.limit

    def _reserved(self):
        return {i for s in self.socks.values() if s.range for i in range(s.range[0], s.range[1] + 1)}

    def _udp(self, idx, lport, peer):
        ip = None
        if peer is not None:
            try:  # a name is looked up now; an address no route reaches only drops what is sent to it
                ip = self.modem.net.resolve(peer[0])
            except UnknownHost:
                pass
        want = None if peer is None else (ip, peer[1])
        if lport and any(s.proto == 1 and s.lport == lport and s.peer == want for s in self.socks.values()):
            return self.uart.err(840)  # that port is taken (for that peer)
        if lport in self.ports and lport:
            entry = self.ports[lport]
            entry[1] += 1
        else:
            hs, lport = self.modem.net.listen(lport, "udp")
            entry = self.ports[lport] = [hs, 1]
            self.modem.watch(hs, on_read=lambda h, p=lport: self.data.udp_in(p))
        s = Sock(1, idx)
        s.host, s.lport = entry[0], lport
        self.socks[(1, idx)] = s
        self.uart.ok()
        if peer is not None and ip is None:
            return self._late(s, 848)
        s.peer, s.state = want, "ready"
        self.uart.urc(b"+WIPREADY: 1,%d" % idx)

    def _late(self, s, n):
        self.drop(s)
        self.uart.urc(self.uart.cme(n))

    def _tcp(self, idx, host, port):
        if port is None:
            return self.uart.err(800)
        s = Sock(2, idx)
        self.socks[(2, idx)] = s
        self.uart.ok()
        self.modem.connect(host, port, lambda hs, why: self._tcp_done(s, hs, why, host, port))

    def _tcp_done(self, s, hs, why, host, port):
        if self.socks.get((2, s.idx)) is not s:
            if hs is not None:
                hs.close()  # closed while connecting
            return
        if hs is None:
            return self._late(s, LATE_ERR.get(why, 842))
        s.host, s.state = hs, "ready"
        s.peer = (self.modem.net.resolve(host), port)
        s.lport = hs.getsockname()[1]
        self.data.rewatch(s)
        self.uart.urc(b"+WIPREADY: 2,%d" % s.idx)

    def _server(self, a):
        if len(a) != 4:
            return self.uart.err(800)
        srv, lport, lo, hi = num(a[0], 1, 4), num(a[1], 1), num(a[2], 1, 8), num(a[3], 1, 8)
        if srv is None or lo is None or hi is None or lo > hi:
            return self.uart.err(830)
        if lport is None:
            return self.uart.err(800)
        if (3, srv) in self.socks or self._reserved() & set(range(lo, hi + 1)):
            return self.uart.err(831)
        if any(s.proto == 3 and s.lport == lport for s in self.socks.values()) or self.modem.take("refuse-listen"):
            return self.uart.err(840)
        try:
            hs, _ = self.modem.net.listen(lport, "tcp")
        except OSError:
            return self.uart.err(840)
        s = Sock(3, srv)
        s.host, s.lport, s.range, s.state = hs, lport, (lo, hi), "ready"
        self.socks[(3, srv)] = s
        self.modem.watch(hs, on_read=lambda h: self.data.accept(s))
        self.uart.ok()

    def c_wipclose(self, a):
        if len(a) != 2 or num(a[0], 1, 3) is None:
            return self.uart.err(800 if len(a) != 2 else 837)
        p, i = num(a[0]), num(a[1], 1, 4 if num(a[0]) == 3 else 8)
        if i is None:
            return self.uart.err(830)
        s = self.socks.get((p, i))
        if s is None:
            return self.uart.err(831)
        self.drop(s)
        self.uart.ok()

    def drop(self, s, reset=False):
        """The socket leaves the modem (its index is free again)."""
        self.socks.pop((s.proto, s.idx), None)
        self.data.forget(s)
        st, s.state = s.state, "closed"
        if s.proto == 1:
            entry = self.ports.get(s.lport)
            if entry and entry[0] is s.host:
                entry[1] -= 1
                if entry[1] <= 0:
                    del self.ports[s.lport]
                    self.modem.close_host(s.host)
                    self.modem.net.unlisten(s.lport, "udp")
        elif s.host is not None:
            if s.proto == 3:
                self.modem.net.unlisten(s.lport, "tcp")
            if s.out and not reset and st in ("ready", "fin"):
                self.data.rewatch(s)  # what the host has not taken yet still goes, then the FIN
                return
            self.modem.close_host(s.host, reset=reset)
        s.host = None

    def close_all(self):
        for s in list(self.socks.values()):
            self.drop(s, reset=True)
        self.uart.drop_urcs()

    def drop_connections(self):
        for s in list(self.socks.values()):
            if s.proto == 2 and s.state == "ready":
                self.data.tcp_reset(s)
