"""The eS-WiFi simulator's transport: the four register sets P0 selects
(P1-P8, R1, R2, S1), P6 clients, P5 servers (single and multi-accept),
S3/S0 sends, R0 reads, and the host sockets behind them. Owned by
EsWifiSim: it runs its commands on the channel (channel.py: block, kick,
expect, notify) and asks the modem (`modem`: joined, net, connect, watch,
unwatch, close_host, take, log)."""

import socket

from ..net import UnknownHost, Unreachable
from .replies import CLIENT, IDLE, MAX_DATA, OUT_CAP, RX_CAP, SERVER, WAITING, _num, fail, ok, usage


def _field(attr, lo, hi, text):
    """A command that sets one number of the selected socket's registers."""
    def h(self, arg):
        v = _num(arg or "", lo, hi)
        if v is None:
            return usage(text)
        setattr(self.cur(), attr, v)
        return ok()
    return h


class Sock:
    """One transport register set and the connection behind it."""

    def __init__(self):
        self.proto, self.lport, self.rip, self.rport = 0, 0, "0.0.0.0", 0
        self.backlog, self.r1, self.r2, self.s1 = 1, MAX_DATA, 1000, 0
        self.role = IDLE
        self.multi = False  # P5=11
        self.host = None  # a client's socket, a UDP socket, or a server's current client
        self.lsock = None  # a TCP server's listening socket
        self.rx = bytearray()
        self.dgrams = []  # [(data, (ip, port))]
        self.out = bytearray()  # bytes the host socket has not taken yet
        self.end = None  # None, "fin" or "reset": how the connection ended


class Sockets:
    def __init__(self, modem, channel, limit):
        self.modem, self.channel = modem, channel
        self.limit = limit
        self.socks = [Sock() for _ in range(limit)]
        self.p0 = 0

    def cur(self):
        return self.socks[self.p0]

    def c_p0(self, arg):
        if arg is None:
            return ok(str(self.p0).encode())
        n = _num(arg, 0, self.limit - 1)
        if n is None:
            return usage(f"P0=<0-{self.limit - 1}>")
        self.p0 = n
        return ok()

    def c_p3(self, arg):
        try:
            socket.inet_aton(arg or "")
            assert (arg or "").count(".") == 3
        except (OSError, AssertionError):
            return usage("P3=<a.b.c.d>")
        self.cur().rip = arg
        return ok()

    def c_pk(self, arg):
        p = (arg or "").split(",")
        if len(p) != 2 or _num(p[0], 0, 1) is None or _num(p[1], 0, 7200000) is None:
            return usage("PK=<0|1>,<ms>")
        return ok()

    def c_pq(self, arg):
        s = self.cur()
        tcp_srv = s.role == SERVER and s.proto == 0
        udp_srv = s.role == SERVER and s.proto == 1
        line = (f"{s.proto},{self.modem.net.ip if self.modem.joined else '0.0.0.0'},{s.lport},{s.rip},{s.rport},"
                f"{int(tcp_srv)},{int(udp_srv)},{s.backlog},{int(s.multi)},0")
        return ok(line.encode())

    def c_s2(self, arg):
        return ok() if _num(arg or "", 0, 600000) is not None else usage("S2=<ms>")

    def c_s0(self, arg):
        return self._start_send(self.cur().s1)

    def c_s3(self, arg):
        n = _num(arg or "", 1, MAX_DATA)
        if n is None:
            return usage(f"S3=<1-{MAX_DATA}><CR><data>")
        return self._start_send(n)

    def _start_send(self, n):
        if not n:
            return usage("S1=<len> first")
        s = self.cur()
        self.channel.expect(n, lambda data: self._send(s, data))
        return None

    def _send(self, s, data):
        sent = ok(str(len(data)).encode())
        if s.proto == 1:
            if s.host is None:
                return fail(b"-1", b"ERROR")
            try:
                s.host.sendto(data, self.modem.net.route(s.rip, s.rport, "udp"))
            except (Unreachable, ValueError, OSError) as e:  # never leaves the host
                if self.modem.log:
                    self.modem.log.write(f"eswifi: datagram to {s.rip}:{s.rport} dropped ({e})\n")
            return sent
        if s.end or s.host is None:
            return self._gone(s)
        s.out += data
        self._flush(s)
        if len(s.out) <= OUT_CAP:
            return sent
        self.channel.block(lambda expired: sent if len(s.out) <= OUT_CAP else (self._gone(s) if s.end else None))
        return None

    def _gone(self, s):
        return fail(b"-1", b"ERROR: Connection reset" if s.end == "reset" else b"ERROR")

    def c_r0(self, arg):
        s = self.cur()
        self.channel.block(lambda expired: self._read(s, expired), s.r2)
        return None

    def _read(self, s, expired):
        if s.rx:
            data = bytes(s.rx[:s.r1])
            del s.rx[:len(data)]
            self._arm(s)
            return ok(data)
        if s.dgrams:
            data, (s.rip, s.rport) = s.dgrams.pop(0)  # P? (and the next S3) name the sender
            return ok(data[:s.r1])
        if s.end or s.host is None:
            return self._gone(s)
        return ok(b"") if expired else None

    def c_p6(self, arg):
        s, m = self.cur(), _num(arg or "", 0, 1)
        if m is None:
            return usage("P6=<0|1>")
        if m == 0:
            if s.role == CLIENT:
                self._stop(s)
            return ok()
        if not self.modem.joined:
            return fail(b"ERROR: Not joined to a network")
        if s.role != IDLE:
            return fail(b"ERROR: Socket in use")
        if s.proto == 1:
            try:
                self.modem.net.route(self.modem.net.resolve(s.rip), s.rport, "udp")
            except (Unreachable, UnknownHost, ValueError):
                return fail(b"ERROR: Host unreachable")
            s.role, s.host = CLIENT, self.modem.net.udp()
            self.modem.watch(s.host, on_read=lambda h: self._udp_in(s, h))
            return ok()
        s.role, result = CLIENT, []
        self.modem.connect(s.rip, s.rport, lambda hs, why: (result.append((hs, why)), self.channel.kick()))
        self.channel.block(lambda expired: self._connected(s, result) if result else None)
        return None

    def _connected(self, s, result):
        hs, why = result[0]
        if s.role != CLIENT or s not in self.socks:  # stopped or restarted meanwhile
            if hs:
                hs.close()
            return fail(b"ERROR: Connection aborted")
        if hs is None:
            s.role = IDLE
            text = {"refused": b"Connection refused", "timeout": b"Connection timed out",
                    "dns": b"Host not found"}.get(why, b"Host unreachable")
            return fail(b"ERROR: " + text)
        s.host, s.end = hs, None
        self._arm(s)
        return ok()

    def c_p5(self, arg):
        s, m = self.cur(), arg if arg in ("0", "1", "10", "11") else None
        if m is None:
            return usage("P5=<0|1|10|11>")
        if m == "0":
            killed = s.role == SERVER and s.multi
            if s.role == SERVER:
                self._stop(s)
            return ok(b"[TCP TSK] Killed") if killed else ok()
        if m == "10":
            if s.role != SERVER or not s.multi:
                return fail(b"ERROR: No multi-accept server on this socket")
            self._drop_client(s)
            self.modem.watch(s.lsock, on_read=lambda h: self._accept(s))
            return ok(WAITING)
        if not self.modem.joined:
            return fail(b"ERROR: Not joined to a network")
        if s.role != IDLE:
            return fail(b"ERROR: Socket in use")
        if self.modem.take("refuse-listen"):
            return fail(b"ERROR: Server start failed")
        if s.proto == 1:
            if m == "11":
                return usage("P5=<0|1> (UDP)")
            s.host, s.lport = self.modem.net.listen(s.lport, "udp")
            s.role = SERVER
            self.modem.watch(s.host, on_read=lambda h: self._udp_in(s, h))
            return ok()
        s.lsock, s.lport = self.modem.net.listen(s.lport, "tcp", max(1, s.backlog))
        s.role, s.multi = SERVER, m == "11"
        self.modem.watch(s.lsock, on_read=lambda h: self._accept(s))
        return ok(b"[TCP TSK] Multi-Accept Setup", WAITING) if s.multi else ok()

    def _accept(self, s):
        try:
            hs, addr = s.lsock.accept()
        except OSError:
            return
        hs.setblocking(False)
        self.modem.unwatch(s.lsock)  # one client at a time: the next ones wait in the backlog
        s.host, s.end, s.rx, s.out = hs, None, bytearray(), bytearray()
        s.rip, s.rport = self.modem.net.view(addr)
        self._arm(s)
        self.channel.notify(f"[TCP SVR] Accepted {s.rip}:{s.rport}".encode())

    def _drop_client(self, s, reset=False):
        if s.host is not None:
            self.modem.close_host(s.host, reset=reset)
        s.host, s.rx, s.out, s.end = None, bytearray(), bytearray(), None

    def _stop(self, s):
        self._drop_client(s)
        if s.lsock is not None:
            self.modem.close_host(s.lsock)
        if s.role == SERVER:
            self.modem.net.unlisten(s.lport, "tcp" if s.proto == 0 else "udp")
        s.lsock, s.role, s.multi, s.dgrams = None, IDLE, False, []
        self.channel.kick()

    def teardown(self):
        for s in self.socks:
            self._stop(s)

    # -- host sockets ---------------------------------------------------------------------------------
    def _arm(self, s):
        """Watch a TCP connection for what it can take now: reads while R0
        has room for them, writes while bytes wait."""
        hs = s.host
        if hs is None or s.proto == 1:
            return
        on_read = (lambda h: self._tcp_in(s, h)) if s.end is None and len(s.rx) < RX_CAP else None
        on_write = (lambda h: self._flush(s)) if s.out else None
        if on_read or on_write:
            self.modem.watch(hs, on_read=on_read, on_write=on_write)
        else:
            self.modem.unwatch(hs)

    def _tcp_in(self, s, hs):
        if hs is not s.host:
            return self.modem.unwatch(hs)
        try:
            data = hs.recv(4096)
        except BlockingIOError:
            return
        except OSError:
            data = None
        if data:
            s.rx += data
        else:  # b"": the peer's FIN; None: reset. The module drops the connection.
            self.modem.close_host(hs, reset=data is None)
            s.host, s.out, s.end = None, bytearray(), "fin" if data == b"" else "reset"
        self._arm(s)
        self.channel.kick()

    def _flush(self, s):
        try:
            n = s.host.send(s.out) if s.host else 0
        except BlockingIOError:
            n = 0
        except OSError:
            n = len(s.out)
        del s.out[:n]
        self._arm(s)
        self.channel.kick()

    def _udp_in(self, s, hs):
        try:
            data, addr = hs.recvfrom(65535)
        except OSError:
            return
        if len(s.dgrams) < 16:  # beyond that the module drops datagrams
            s.dgrams.append((data, self.modem.net.view(addr, "udp")))
        self.channel.kick()

    def drop_connections(self):
        for s in self.socks:
            if s.proto == 0 and s.host is not None:
                self._drop_client(s, reset=True)
                s.end = "reset"
        self.channel.kick()

    def release(self, reset):
        # Host sockets not watched just now (a listener while its client is
        # served, a connection R0 has not caught up with) are the module's to close.
        for s in self.socks:
            for h in (s.host, s.lsock):
                if h is not None:
                    self.modem.close_host(h, reset=reset)
            s.host = s.lsock = None

    COMMANDS = {
        "P0": c_p0, "P1": _field("proto", 0, 1, "P1=<0 TCP|1 UDP>"), "P2": _field("lport", 0, 65535, "P2=<port>"),
        "P3": c_p3, "P4": _field("rport", 0, 65535, "P4=<port>"), "P5": c_p5, "P6": c_p6,
        "P8": _field("backlog", 0, 6, "P8=<0-6>"), "PK": c_pk, "P?": c_pq,
        "R0": c_r0, "R1": _field("r1", 1, MAX_DATA, f"R1=<1-{MAX_DATA}>"), "R2": _field("r2", 0, 600000, "R2=<ms>"),
        "S0": c_s0, "S1": _field("s1", 1, MAX_DATA, f"S1=<1-{MAX_DATA}>"), "S2": c_s2, "S3": c_s3,
    }
