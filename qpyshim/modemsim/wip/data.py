"""The WIP simulator's data side: the UART mapped to one socket
(AT+WIPDATA), the +++ escape with its guard times, DLE/ETX both ways, data
held and announced for unmapped sockets, the host sockets' events, flow
control against the paced UART, and the faults that end sessions. The
choices it makes are listed in sim.py's docstring."""

import socket
import threading
import time

DLE, ETX = 0x10, 0x03
UDP_MAX = 1500  # the modem's datagram buffer, both ways
HOLD_TCP = 65536  # bytes held for an unmapped TCP socket before its host is no longer read
HOLD_UDP = 64  # datagrams held for an unmapped UDP socket; more are dropped, as UDP may
TX_HIGH = 32768  # UART backlog above which a mapped socket's host is no longer read


def esc(data):
    return bytes(data).replace(b"\x10", b"\x10\x10").replace(b"\x03", b"\x10\x03")


def _args(text):
    """'1,,"a,b",5' -> [('1', False), ('', False), ('a,b', True), ('5', False)]"""
    out, cur, q, quoted = [], [], False, False
    for c in text:
        if c == '"':
            q, quoted = not q, True
        elif c == "," and not q:
            out.append(("".join(cur).strip(), quoted))
            cur, quoted = [], False
        else:
            cur.append(c)
    out.append(("".join(cur).strip(), quoted))
    return out


def _num(a, lo=0, hi=65535):
    text, quoted = a
    if quoted or not text.isdigit() or not lo <= int(text) <= hi:
        return None
    return int(text)


class Sock:
    def __init__(self, proto, idx):
        self.proto = proto  # 1 UDP, 2 TCP client, 3 TCP server
        self.idx = idx
        self.host = None  # the TCP connection or listener, or the UDP port's shared socket
        self.lport = 0
        self.peer = None  # (ip, port) as the modem names it
        self.state = "connecting"  # ready, fin (peer closed), reset, closed
        self.rx = bytearray()  # TCP data held while unmapped
        self.dgrams = []  # UDP [(data, (ip, port))] held while unmapped
        self.announced = False  # TCP: +WIPDATA printed for what rx holds
        self.out = bytearray()  # TCP data the host socket has not taken yet
        self.shut = False  # the host's ETX: shut the sending side once out drains
        self.range = None  # a server's (from, to)
        self.paused = False


class DataPath:
    """Mixed into WipSim (a base.Simulator)."""

    def c_wipdata(self, a):
        if a is None:
            out = []
            for (p, i), s in sorted(self.socks.items()):
                if p == 2 and s.rx:
                    out.append(b"+WIPDATA: 2,%d,%d" % (i, len(s.rx)))
                elif p == 1 and s.dgrams:
                    d, (ip, port) = s.dgrams[0]
                    out.append(b'+WIPDATA: 1,%d,%d,"%s",%d' % (i, len(d), ip.encode(), port))
            return self.info(out)
        if len(a) != 3 or None in (_num(a[0], 0, 9), _num(a[1], 0, 99), _num(a[2], 0, 9)):
            return self.err(800)
        p, i, m = _num(a[0]), _num(a[1]), _num(a[2])
        if p not in (1, 2):
            return self.err(837)
        if not 1 <= i <= 8:
            return self.err(830)
        s = self.socks.get((p, i))
        if s is None or s.state not in ("ready", "fin") or s.state == "fin" and not s.rx:
            return self.err(831)  # nothing to read, and the peer's FIN leaves nothing to send to
        if m == 0:
            return self.ok()  # unmapping another UART: this modem has one
        if m not in (1, 2) or m == 2 and p == 1:
            return self.err(800)
        self.say(b"CONNECT")
        self.mapped, self.mode = s, m
        self.dle, self.plus, self.dgram = False, b"", bytearray()
        self.last_in = time.monotonic()
        self.gen += 1
        if p == 2:
            if s.rx:
                self.send(esc(s.rx) if m == 1 else bytes(s.rx))
                s.rx.clear()
            s.announced = False
            if s.state == "fin":  # what it held, then the end
                return self._end_session(b"+WIPPEERCLOSE: 2,%d" % i)
        else:
            for d, _ in s.dgrams:
                self.send(esc(d) + b"\x03")
            s.dgrams.clear()

    def _end_session(self, why):
        if self.mode == 1:
            self.send(b"\x03")
        self._leave(why)

    def _leave(self, why):
        self.mapped = None
        self.dle, self.plus, self.dgram = False, b"", bytearray()
        self.gen += 1
        self.say(why)
        urcs, self.urcs = self.urcs, []
        for u in urcs:
            self.say(u)

    # -- from the driver while mapped -------------------------------------------------
    def _mapped_in(self, data):
        now = time.monotonic()
        quiet = now - self.last_in >= self.guard
        self.last_in = now
        self.gen += 1  # any byte voids a +++ waiting for its guard time
        if self.plus or (quiet and data[:1] == b"+"):
            cand = self.plus + bytes(data)
            if len(cand) <= 3 and cand == b"+" * len(cand):
                self.plus = cand
                if len(cand) == 3:
                    gen = self.gen
                    t = threading.Timer(self.guard, lambda: self.later(lambda: self._escape(gen)))
                    t.daemon = True
                    t.start()
                return
            data, self.plus = cand, b""  # it was data after all
        if self.mode == 2:
            return self._payload(bytes(data))
        out = bytearray()
        for k in range(len(data)):
            b = data[k]
            if self.dle:
                self.dle = False
                out.append(b)
            elif b == DLE:
                self.dle = True
            elif b == ETX:
                if out:
                    self._payload(bytes(out))
                    out = bytearray()
                self._etx()
                if self.mapped is None:  # the ETX ended the session (udp_etx_ends)
                    if k + 1 < len(data):
                        self._at_in(data[k + 1:])
                    return
            else:
                out.append(b)
        if out:
            self._payload(bytes(out))

    def _escape(self, gen):
        if gen != self.gen or self.mapped is None or self.plus != b"+++":
            return
        s = self.mapped
        if s.proto == 1 and self.dgram:
            self._udp_send(s, bytes(self.dgram))  # a partial datagram goes as it is
        self._end_session(b"OK")

    def _payload(self, data):
        s = self.mapped
        if s.proto == 2:
            if s.host is not None and s.state in ("ready", "fin"):
                s.out += data
                self._flush(s)
            return
        self.dgram += data
        while len(self.dgram) >= UDP_MAX:
            self._udp_send(s, bytes(self.dgram[:UDP_MAX]))
            del self.dgram[:UDP_MAX]

    def _etx(self):
        s = self.mapped
        if s.proto == 2:
            s.shut = True  # TCP: the host's ETX shuts our sending side
            if s.host is not None:
                self._flush(s)
            return
        self._udp_send(s, bytes(self.dgram))
        self.dgram = bytearray()
        if self.udp_etx_ends:
            self._end_session(b"OK")

    # -- UDP ------------------------------------------------------------------------------
    def _udp_send(self, s, data):
        if s.peer is None:
            if self.log:
                self.log.write(f"wip: UDP {s.idx} has no peer: {len(data)} bytes dropped\n")
            return
        try:
            s.host.sendto(data, self.net.route(s.peer[0], s.peer[1], "udp"))
        except Exception as e:  # not loopback, not mapped: it never leaves the host
            if self.log:
                self.log.write(f"wip: datagram to {s.peer} dropped ({e})\n")

    def _udp_in(self, port):
        entry = self.ports.get(port)
        if entry is None:
            return
        try:
            data, addr = entry[0].recvfrom(65535)
        except OSError:
            return
        view = self.net.view(addr, "udp")
        target = peerless = None
        for s in self.socks.values():
            if s.proto != 1 or s.lport != port or s.state != "ready":
                continue
            if s.peer is None:
                peerless = s
            elif s.peer == view or self._route(s.peer) == addr:
                target = s
                break
        src = target.peer if target else view
        target = target or peerless
        if target is None or not data:
            return  # no socket for it, or an empty datagram (it has no form on the UART)
        data = data[:UDP_MAX]
        if self.mapped is target and target.peer is not None:
            self.send(esc(data) + b"\x03")
        elif len(target.dgrams) < HOLD_UDP:
            target.dgrams.append((data, src))
            self.urc(b'+WIPDATA: 1,%d,%d,"%s",%d' % (target.idx, len(data), src[0].encode(), src[1]))

    def _route(self, peer):
        try:
            return self.net.route(peer[0], peer[1], "udp")
        except Exception:
            return None

    # -- TCP ------------------------------------------------------------------------------
    def _accept(self, srv):
        try:
            hs, addr = srv.host.accept()
        except OSError:
            return
        free = [i for i in range(srv.range[0], srv.range[1] + 1) if (2, i) not in self.socks]
        full = self.limit is not None and sum(1 for k in self.socks if k[0] != 3) >= self.limit
        if not free or full:
            hs.close()  # no index left for it: the client is turned away
            return
        hs.setblocking(False)
        c = Sock(2, free[0])
        c.host, c.state, c.peer, c.lport = hs, "ready", self.net.view(addr), srv.lport
        self.socks[(2, c.idx)] = c
        self._rewatch(c)
        self.urc(b"+WIPACCEPT: %d,%d" % (srv.idx, c.idx))

    def _drop(self, s, reset=False):
        """The socket leaves the modem (its index is free again)."""
        self.socks.pop((s.proto, s.idx), None)
        self.paused.discard(s)
        st, s.state = s.state, "closed"
        if s.proto == 1:
            entry = self.ports.get(s.lport)
            if entry and entry[0] is s.host:
                entry[1] -= 1
                if entry[1] <= 0:
                    del self.ports[s.lport]
                    self.close_host(s.host)
                    self.net.unlisten(s.lport, "udp")
        elif s.host is not None:
            if s.proto == 3:
                self.net.unlisten(s.lport, "tcp")
            if s.out and not reset and st in ("ready", "fin"):
                self._rewatch(s)  # what the host has not taken yet still goes, then the FIN
                return
            self.close_host(s.host, reset=reset)
        s.host = None

    def _close_all(self, announce):
        for s in list(self.socks.values()):
            self._drop(s, reset=True)
        self.urcs = []

    def _rewatch(self, s):
        hs = s.host
        if hs is None or hs.fileno() < 0:
            return
        on_read = (lambda h: self._tcp_in(s)) if s.state == "ready" and not s.paused else None
        on_write = (lambda h: self._flush(s)) if s.out else None
        if on_read or on_write:
            self.watch(hs, on_read, on_write)
        else:
            self.unwatch(hs)

    def _tcp_in(self, s):
        try:
            data = s.host.recv(4096)
        except BlockingIOError:
            return
        except OSError:
            return self._tcp_reset(s)
        if not data:
            s.state = "fin"
            self._rewatch(s)
            why = b"+WIPPEERCLOSE: 2,%d" % s.idx
            return self._end_session(why) if self.mapped is s else self.urc(why)
        if self.mapped is s:
            self.send(esc(data) if self.mode == 1 else data)
            full = len(self.txbuf) > TX_HIGH
        else:
            s.rx += data
            if not s.announced:
                s.announced = True
                self.urc(b"+WIPDATA: 2,%d,%d" % (s.idx, len(s.rx)))
            full = len(s.rx) >= HOLD_TCP
        if full:
            s.paused = True
            self.paused.add(s)
            self._rewatch(s)

    def _tcp_reset(self, s, why=None):
        s.state = "reset"
        s.rx.clear()
        s.out.clear()
        if s.host is not None:
            self.close_host(s.host, reset=True)
            s.host = None
        if self.mapped is s:
            self._end_session(self.cme(843))
        else:
            self.urc(b"+WIPERROR: 2,%d,843" % s.idx)

    def _flush(self, s):
        try:
            n = s.host.send(s.out)
        except BlockingIOError:
            n = 0
        except OSError:
            n = len(s.out)  # the peer is gone; its read side will say so
        del s.out[:n]
        if not s.out:
            if s.state == "closed":
                self.close_host(s.host)
                s.host = None
                return
            if s.shut:
                try:
                    s.host.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
        self._rewatch(s)

    def _pump_line(self):
        super()._pump_line()
        for s in list(self.paused):
            if self.mapped is s and len(self.txbuf) < TX_HIGH // 4 or self.mapped is not s and len(s.rx) < HOLD_TCP:
                s.paused = False
                self.paused.discard(s)
                self._rewatch(s)

    # -- faults -----------------------------------------------------------------------------
    def drop_connections(self):
        for s in list(self.socks.values()):
            if s.proto == 2 and s.state == "ready":
                self._tcp_reset(s)

    def lose_context(self):
        if self.bearer != "up":
            return
        was = self.mapped
        self._close_all(announce=False)
        self.bearer = "open"
        if was is not None:
            self._end_session(b"+WIPBR: 6,0")
        else:
            self.say(b"+WIPBR: 6,0")

    def restart(self):
        self._was_mapped = self.mapped is not None and self.mode == 1
        self._close_all(announce=False)
        super().restart()
