"""The eS-WiFi simulator's transport half: P6 clients, P5 servers (single and
multi-accept), and the host sockets behind them. Mixed into EsWifiSim."""

from .replies import CLIENT, IDLE, RX_CAP, SERVER, WAITING, _num, fail, ok, usage
from ..net import UnknownHost, Unreachable


class SocketCommands:
    def c_p6(self, arg):
        s, m = self._cur(), _num(arg or "", 0, 1)
        if m is None:
            return usage("P6=<0|1>")
        if m == 0:
            if s.role == CLIENT:
                self._stop(s)
            return ok()
        if not self.joined:
            return fail(b"ERROR: Not joined to a network")
        if s.role != IDLE:
            return fail(b"ERROR: Socket in use")
        if s.proto == 1:
            try:
                self.net.route(self.net.resolve(s.rip), s.rport, "udp")
            except (Unreachable, UnknownHost, ValueError):
                return fail(b"ERROR: Host unreachable")
            s.role, s.host = CLIENT, self.net.udp()
            self.watch(s.host, on_read=lambda h: self._udp_in(s, h))
            return ok()
        s.role, result = CLIENT, []
        self.connect(s.rip, s.rport, lambda hs, why: (result.append((hs, why)), self._kick()))
        self._block(lambda expired: self._connected(s, result) if result else None)
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
        s, m = self._cur(), arg if arg in ("0", "1", "10", "11") else None
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
            self.watch(s.lsock, on_read=lambda h: self._accept(s))
            return ok(WAITING)
        if not self.joined:
            return fail(b"ERROR: Not joined to a network")
        if s.role != IDLE:
            return fail(b"ERROR: Socket in use")
        if self.take("refuse-listen"):
            return fail(b"ERROR: Server start failed")
        if s.proto == 1:
            if m == "11":
                return usage("P5=<0|1> (UDP)")
            s.host, s.lport = self.net.listen(s.lport, "udp")
            s.role = SERVER
            self.watch(s.host, on_read=lambda h: self._udp_in(s, h))
            return ok()
        s.lsock, s.lport = self.net.listen(s.lport, "tcp", max(1, s.backlog))
        s.role, s.multi = SERVER, m == "11"
        self.watch(s.lsock, on_read=lambda h: self._accept(s))
        return ok(b"[TCP TSK] Multi-Accept Setup", WAITING) if s.multi else ok()

    def _accept(self, s):
        try:
            hs, addr = s.lsock.accept()
        except OSError:
            return
        hs.setblocking(False)
        self.unwatch(s.lsock)  # one client at a time: the next ones wait in the backlog
        s.host, s.end, s.rx, s.out = hs, None, bytearray(), bytearray()
        s.rip, s.rport = self.net.view(addr)
        self._arm(s)
        self._async(f"[TCP SVR] Accepted {s.rip}:{s.rport}".encode())

    def _drop_client(self, s, reset=False):
        if s.host is not None:
            self.close_host(s.host, reset=reset)
        s.host, s.rx, s.out, s.end = None, bytearray(), bytearray(), None

    def _stop(self, s):
        self._drop_client(s)
        if s.lsock is not None:
            self.close_host(s.lsock)
        if s.role == SERVER:
            self.net.unlisten(s.lport, "tcp" if s.proto == 0 else "udp")
        s.lsock, s.role, s.multi, s.dgrams = None, IDLE, False, []
        self._kick()

    def _teardown(self):
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
            self.watch(hs, on_read=on_read, on_write=on_write)
        else:
            self.unwatch(hs)

    def _tcp_in(self, s, hs):
        if hs is not s.host:
            return self.unwatch(hs)
        try:
            data = hs.recv(4096)
        except BlockingIOError:
            return
        except OSError:
            data = None
        if data:
            s.rx += data
        else:  # b"": the peer's FIN; None: reset. The module drops the connection.
            self.close_host(hs, reset=data is None)
            s.host, s.out, s.end = None, bytearray(), "fin" if data == b"" else "reset"
        self._arm(s)
        self._kick()

    def _flush(self, s):
        try:
            n = s.host.send(s.out) if s.host else 0
        except BlockingIOError:
            n = 0
        except OSError:
            n = len(s.out)
        del s.out[:n]
        self._arm(s)
        self._kick()

    def _udp_in(self, s, hs):
        try:
            data, addr = hs.recvfrom(65535)
        except OSError:
            return
        if len(s.dgrams) < 16:  # beyond that the module drops datagrams
            s.dgrams.append((data, self.net.view(addr, "udp")))
        self._kick()

    # -- faults ----------------------------------------------------------------------------------------
