"""The XBee simulator's sockets: the extended socket frames (0x40-0x46 in;
0xC0-0xC6, 0x89 and the 0xCC-0xCF notices out), each modem socket backed
by a host socket on loopback. Owned by XBeeSim, whose `modem` interface it
uses: out() for frames, attached(), net, and the host-socket calls
(connect, watch, unwatch, watched, close_host, take, log)."""

import socket
import struct

from .frames import MAX_PAYLOAD


class Sock:
    def __init__(self, proto):
        self.proto = proto  # 0 UDP, 1 TCP
        self.host = None
        self.state = "alloc"  # connecting, connected, listening, bound
        self.peer = None  # (ip, port) as the modem reports it
        self.port = 0
        self.pending = bytearray()  # TCP bytes the host socket has not taken yet


def _ip(b):
    return socket.inet_ntoa(bytes(b))


class Sockets:
    # frame type -> method: what the driver may ask of the sockets
    FRAMES = {0x40: "create", 0x41: "option", 0x42: "connect", 0x43: "close", 0x44: "send",
              0x45: "send_to", 0x46: "bind"}

    def __init__(self, modem, limit):
        self.modem = modem
        self.limit = limit
        self.socks = {}  # modem socket ID -> Sock

    def frame(self, f):
        getattr(self, self.FRAMES[f[0]])(f)

    def _free_id(self):
        for i in range(self.limit):
            if i not in self.socks:
                return i
        return None

    def create(self, f):
        fid, proto = f[1], f[2] if len(f) > 2 else 0xFF
        sid, status = 0xFF, 0
        if proto not in (0, 1):
            status = 0x7B  # TLS is not simulated
        elif not self.modem.attached():
            status = 0x22
        else:
            sid = self._free_id()
            if sid is None:
                sid, status = 0xFF, 0x32
            else:
                self.socks[sid] = Sock(proto)
        self.modem.out(b"\xc0", bytes([fid, sid, status]))  # always answered, fid 0 too

    def option(self, f):
        fid, sid = f[1], f[2]
        status = 0x20 if sid not in self.socks else (0x01 if len(f) < 4 or f[3] != 0 else 0)
        if fid:
            self.modem.out(b"\xc1", bytes([fid, sid, f[3] if len(f) > 3 else 0, status]), b"\x00" if not status else b"")

    def connect(self, f):
        if len(f) < 6:
            return
        fid, sid, port, kind, addr = f[1], f[2], (f[3] << 8) | f[4], f[5], f[6:]
        s = self.socks.get(sid)
        status = 0
        if s is None:
            status = 0x20
        elif s.state in ("connecting", "connected", "listening"):
            status = 0x04
        elif kind not in (0, 1) or (kind == 0 and len(addr) != 4):
            status = 0x01
        if fid or status:
            self.modem.out(b"\xc2", bytes([fid, sid, status]))
        if status:
            return
        host = _ip(addr) if kind == 0 else addr.decode("latin-1")
        s.state = "connecting"
        if s.proto == 1:
            self.modem.connect(host, port, lambda hs, why: self._connected(sid, s, hs, why, port))
        else:
            try:
                ip = self.modem.net.resolve(host)
                real = self.modem.net.route(ip, port, "udp")
            except Exception:
                self._status(sid, 0x01 if kind == 1 else 0x06)
                return
            if s.host is None:
                s.host = self.modem.net.udp()
                self.modem.watch(s.host, on_read=lambda h: self._udp_in(sid, s))
            s.host.connect(real)
            s.state, s.peer = "connected", (ip, port)
            self._status_only(sid, 0)

    def _connected(self, sid, s, hs, why, port):
        if self.socks.get(sid) is not s:
            if hs:
                hs.close()
            return
        if hs is None:
            self._status(sid, {"dns": 0x01, "refused": 0x02, "unreachable": 0x06}.get(why, 0x08))
            return
        s.host, s.state = hs, "connected"
        s.peer = self.modem.net.view(hs.getpeername())
        self.modem.watch(hs, on_read=lambda h: self._tcp_in(sid, s))
        self._status_only(sid, 0)

    def _status_only(self, sid, st):
        self.modem.out(b"\xcf", bytes([sid, st]))

    def _status(self, sid, st):
        """A non-zero state: the socket is gone."""
        s = self.socks.pop(sid, None)
        if s and s.host:
            self.modem.close_host(s.host, reset=st == 0x0C)
        self.modem.out(b"\xcf", bytes([sid, st]))

    def close(self, f):
        fid, sid = f[1], f[2]
        s = self.socks.pop(sid, None)
        if s and s.host:
            self.modem.close_host(s.host)
            if s.state == "listening":
                self.modem.net.unlisten(s.port)
            elif s.state == "bound":
                self.modem.net.unlisten(s.port, "udp")
        if fid:
            self.modem.out(b"\xc3", bytes([fid, sid, 0 if s else 0x20]))

    def _tx(self, fid, status):
        if fid:
            self.modem.out(b"\x89", bytes([fid, status]))

    def send(self, f):
        fid, sid, payload = f[1], f[2], f[4:]
        s = self.socks.get(sid)
        if s is None:
            return self._tx(fid, 0x20)
        if s.state != "connected":
            return self._tx(fid, 0x87)
        if len(payload) > MAX_PAYLOAD:
            return self._tx(fid, 0x74)
        self._host_send(s, payload)
        self._tx(fid, 0)

    def send_to(self, f):
        if len(f) < 10:
            return
        fid, sid, ip, port, payload = f[1], f[2], _ip(f[3:7]), (f[7] << 8) | f[8], f[10:]
        s = self.socks.get(sid)
        if s is None:
            return self._tx(fid, 0x20)
        if len(payload) > MAX_PAYLOAD:
            return self._tx(fid, 0x74)
        if s.proto == 1 or s.state == "connected":
            if s.state != "connected":
                return self._tx(fid, 0x87)
            self._host_send(s, payload)
            return self._tx(fid, 0)
        if s.state != "bound":
            return self._tx(fid, 0x88)
        try:
            s.host.sendto(payload, self.modem.net.route(ip, port, "udp"))
        except Exception as e:  # not loopback, not mapped: it never leaves the host
            if self.modem.log:
                self.modem.log.write(f"xbee: datagram to {ip}:{port} dropped ({e})\n")
        self._tx(fid, 0)

    def _host_send(self, s, payload):
        if s.proto == 0:
            try:
                s.host.send(payload)
            except OSError:
                pass
            return
        s.pending += payload
        self._flush(s)

    def _flush(self, s):
        try:
            n = s.host.send(s.pending)
        except BlockingIOError:
            n = 0
        except OSError:
            s.pending.clear()
            return
        del s.pending[:n]
        hs = s.host
        if s.pending:
            self.modem.watch(hs, on_read=self.modem.watched[hs][0], on_write=lambda h: self._flush(s))
        elif hs in self.modem.watched and self.modem.watched[hs][1]:
            self.modem.watch(hs, on_read=self.modem.watched[hs][0])

    def bind(self, f):
        if len(f) < 5:
            return
        fid, sid, port = f[1], f[2], (f[3] << 8) | f[4]
        s = self.socks.get(sid)
        status = 0
        if s is None:
            status = 0x20
        elif s.state != "alloc":
            status = 0x03
        elif port == 0:
            status = 0x01
        elif self.modem.take("refuse-listen"):
            status = 0x02
        else:
            try:
                s.host, s.port = self.modem.net.listen(port, "tcp" if s.proto else "udp")
            except OSError:
                status = 0x02
        if not status:
            if s.proto == 1:
                s.state = "listening"
                self.modem.watch(s.host, on_read=lambda h: self._accept(sid, s))
            else:
                s.state = "bound"
                self.modem.watch(s.host, on_read=lambda h: self._udp_in(sid, s))
        if fid or status:
            self.modem.out(b"\xc6", bytes([fid, sid, status]))

    def _accept(self, lid, listener):
        try:
            hs, addr = listener.host.accept()
        except OSError:
            return
        cid = self._free_id()
        if cid is None or not self.modem.attached():
            hs.close()  # no socket left for it: the client is turned away
            return
        hs.setblocking(False)
        c = Sock(1)
        c.host, c.state, c.peer = hs, "connected", self.modem.net.view(addr)
        self.socks[cid] = c
        self.modem.watch(hs, on_read=lambda h: self._tcp_in(cid, c))
        self.modem.out(b"\xcc", bytes([lid, cid]), socket.inet_aton(c.peer[0]), struct.pack(">H", c.peer[1]))

    def _tcp_in(self, sid, s):
        try:
            data = s.host.recv(MAX_PAYLOAD)
        except BlockingIOError:
            return
        except OSError:
            return self._status(sid, 0x0C)  # reset by the peer
        if not data:
            return self._status(sid, 0x07)  # the peer closed: Digi's TCP listener example shows 0x07
        self.modem.out(b"\xcd\x00", bytes([sid, 0]), data)

    def _udp_in(self, sid, s):
        try:
            data, addr = s.host.recvfrom(65535)
        except OSError:
            return
        data = data[:MAX_PAYLOAD]
        if s.state == "connected":
            self.modem.out(b"\xcd\x00", bytes([sid, 0]), data)
        else:
            ip, port = self.modem.net.view(addr, "udp")
            self.modem.out(b"\xce\x00", bytes([sid]), socket.inet_aton(ip), struct.pack(">H", port), b"\x00", data)

    # -- what the rest of the modem asks ------------------------------------------------
    def info(self, param):
        """ATSI: the IDs in use, or one socket's state: (status, value)."""
        if not param:
            return 0, b"".join(b"0x%02X\r" % i for i in sorted(self.socks)) + b"\r"
        s = self.socks.get(param[0])
        if s is None:
            return 3, b""
        state = {"alloc": "ALLOCATED", "connecting": "CONNECTING", "connected": "CONNECTED",
                 "listening": "LISTENING", "bound": "BOUND"}[s.state]
        peer = s.peer or ("0.0.0.0", 0)
        return 0, (f"0x{param[0]:02X}\r{state}\r{'TCP' if s.proto else 'UDP'}\r{s.port:X}\r"
                   f"{peer[1]:X}\r{peer[0]}\r\r").encode()

    def drop_connections(self):
        for sid, s in list(self.socks.items()):
            if s.proto == 1 and s.state == "connected":
                self._status(sid, 0x0C)

    def lose_all(self):
        """The network is gone: every socket ends (0x0E), every port closes."""
        for sid in list(self.socks):
            self._status(sid, 0x0E)
        for key in list(self.modem.net.listening):
            self.modem.net.unlisten(key[1], key[0])
