"""A Digi XBee Cellular in API mode 1 or 2: the extended socket frames, the
local AT commands a socket driver needs (AI, MY, LA, AM, AP, SI, VR, SH,
SL, BD), modem status frames, each modem socket backed by a host socket on
loopback."""

import socket
import struct

from ..base import Simulator
from .at import AtCommands

ESCAPE = {0x7E, 0x7D, 0x11, 0x13}
MAX_PAYLOAD = 1500


def encode(data, escaped):
    body = struct.pack(">H", len(data)) + data + bytes([0xFF - (sum(data) & 0xFF)])
    if escaped:
        body = b"".join(bytes([0x7D, b ^ 0x20]) if b in ESCAPE else bytes([b]) for b in body)
    return b"\x7e" + body


class FrameReader:
    """Frames from the driver; a bad checksum is dropped silently, as the
    module does."""

    def __init__(self, escaped):
        self.escaped = escaped
        self.buf = bytearray()
        self.dropped = 0  # frames with a bad checksum (the driver sent a broken frame)

    def feed(self, data):
        self.buf += data
        frames = []
        while True:
            start = self.buf.find(b"\x7e")
            if start < 0:
                self.buf.clear()
                return frames
            del self.buf[:start]
            raw = self._unescape(self.buf[1:]) if self.escaped else self.buf[1:]
            if raw is None or len(raw) < 2:
                return frames
            n = (raw[0] << 8) | raw[1]
            if len(raw) < n + 3:
                if self.escaped and b"\x7e" in self.buf[1:]:
                    del self.buf[:1]  # a new frame began inside this one
                    continue
                return frames
            data, ck = bytes(raw[2:2 + n]), raw[2 + n]
            used = self._consumed(n + 3) if self.escaped else n + 4
            del self.buf[:used]
            if (sum(data) + ck) & 0xFF == 0xFF and n:
                frames.append(data)
            else:
                self.dropped += 1

    def _unescape(self, b):
        out, esc = bytearray(), False
        for c in b:
            if c == 0x7E:
                break
            if esc:
                out.append(c ^ 0x20)
                esc = False
            elif c == 0x7D:
                esc = True
            else:
                out.append(c)
        return out

    def _consumed(self, n_unescaped):
        """Raw bytes (delimiter included) that hold n unescaped bytes."""
        i, got = 1, 0
        while got < n_unescaped:
            i += 2 if self.buf[i] == 0x7D else 1
            got += 1
        return i


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


class XBeeSim(AtCommands, Simulator):
    NAME = "xbee"

    def __init__(self, *args, api_mode=1, sockets=6, recover_s=1.0, **kw):
        self.api_mode = api_mode
        self.escaped = api_mode == 2
        self.limit = sockets
        self.recover_s = recover_s
        super().__init__(*args, **kw)

    def reset(self):
        self.reader = FrameReader(self.escaped)
        self.socks = {}
        self.ai = 0x00
        self.airplane = False

    def banner(self):
        return self._encode(b"\x8a\x00") + self._encode(b"\x8a\x02")

    def _encode(self, data):
        frame = bytearray(encode(data, self.escaped))
        if self.take("garble"):
            frame[-1] ^= 0x55  # a corrupted checksum: the driver must drop the frame
        return bytes(frame)

    def out(self, *parts):
        self.send(self._encode(b"".join(bytes(p) if isinstance(p, (list, tuple)) else p for p in parts)))

    def received(self, data):
        before = self.reader.dropped
        frames = self.reader.feed(data)
        if self.reader.dropped != before:
            self.malformed(b"a frame with a bad checksum")
        for f in frames:
            handler = getattr(self, "f_%02x" % f[0], None)
            if handler:
                handler(f)
            else:  # an API frame this module does not take; it stays silent
                self.malformed(f)

    # -- sockets ------------------------------------------------------------------------
    def _free_id(self):
        for i in range(self.limit):
            if i not in self.socks:
                return i
        return None

    def f_40(self, f):
        fid, proto = f[1], f[2] if len(f) > 2 else 0xFF
        sid, status = 0xFF, 0
        if proto not in (0, 1):
            status = 0x7B  # TLS is not simulated
        elif self.ai != 0:
            status = 0x22
        else:
            sid = self._free_id()
            if sid is None:
                sid, status = 0xFF, 0x32
            else:
                self.socks[sid] = Sock(proto)
        self.out(b"\xc0", bytes([fid, sid, status]))  # always answered, fid 0 too

    def f_41(self, f):
        fid, sid = f[1], f[2]
        status = 0x20 if sid not in self.socks else (0x01 if len(f) < 4 or f[3] != 0 else 0)
        if fid:
            self.out(b"\xc1", bytes([fid, sid, f[3] if len(f) > 3 else 0, status]), b"\x00" if not status else b"")

    def f_42(self, f):
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
            self.out(b"\xc2", bytes([fid, sid, status]))
        if status:
            return
        host = _ip(addr) if kind == 0 else addr.decode("latin-1")
        s.state = "connecting"
        if s.proto == 1:
            self.connect(host, port, lambda hs, why: self._connected(sid, s, hs, why, port))
        else:
            try:
                ip = self.net.resolve(host)
                real = self.net.route(ip, port, "udp")
            except Exception:
                self._status(sid, 0x01 if kind == 1 else 0x06)
                return
            if s.host is None:
                s.host = self.net.udp()
                self.watch(s.host, on_read=lambda h: self._udp_in(sid, s))
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
        s.peer = self.net.view(hs.getpeername())
        self.watch(hs, on_read=lambda h: self._tcp_in(sid, s))
        self._status_only(sid, 0)

    def _status_only(self, sid, st):
        self.out(b"\xcf", bytes([sid, st]))

    def _status(self, sid, st):
        """A non-zero state: the socket is gone."""
        s = self.socks.pop(sid, None)
        if s and s.host:
            self.close_host(s.host, reset=st == 0x0C)
        self.out(b"\xcf", bytes([sid, st]))

    def f_43(self, f):
        fid, sid = f[1], f[2]
        s = self.socks.pop(sid, None)
        if s and s.host:
            self.close_host(s.host)
            if s.state == "listening":
                self.net.unlisten(s.port)
            elif s.state == "bound":
                self.net.unlisten(s.port, "udp")
        if fid:
            self.out(b"\xc3", bytes([fid, sid, 0 if s else 0x20]))

    def _tx(self, fid, status):
        if fid:
            self.out(b"\x89", bytes([fid, status]))

    def f_44(self, f):
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

    def f_45(self, f):
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
            s.host.sendto(payload, self.net.route(ip, port, "udp"))
        except Exception as e:  # not loopback, not mapped: it never leaves the host
            if self.log:
                self.log.write(f"xbee: datagram to {ip}:{port} dropped ({e})\n")
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
            self.watch(hs, on_read=self.watched[hs][0], on_write=lambda h: self._flush(s))
        elif hs in self.watched and self.watched[hs][1]:
            self.watch(hs, on_read=self.watched[hs][0])

    def f_46(self, f):
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
        elif self.take("refuse-listen"):
            status = 0x02
        else:
            try:
                s.host, s.port = self.net.listen(port, "tcp" if s.proto else "udp")
            except OSError:
                status = 0x02
        if not status:
            if s.proto == 1:
                s.state = "listening"
                self.watch(s.host, on_read=lambda h: self._accept(sid, s))
            else:
                s.state = "bound"
                self.watch(s.host, on_read=lambda h: self._udp_in(sid, s))
        if fid or status:
            self.out(b"\xc6", bytes([fid, sid, status]))

    def _accept(self, lid, listener):
        try:
            hs, addr = listener.host.accept()
        except OSError:
            return
        cid = self._free_id()
        if cid is None or self.ai != 0:
            hs.close()  # no socket left for it: the client is turned away
            return
        hs.setblocking(False)
        c = Sock(1)
        c.host, c.state, c.peer = hs, "connected", self.net.view(addr)
        self.socks[cid] = c
        self.watch(hs, on_read=lambda h: self._tcp_in(cid, c))
        self.out(b"\xcc", bytes([lid, cid]), socket.inet_aton(c.peer[0]), struct.pack(">H", c.peer[1]))

    def _tcp_in(self, sid, s):
        try:
            data = s.host.recv(MAX_PAYLOAD)
        except BlockingIOError:
            return
        except OSError:
            return self._status(sid, 0x0C)  # reset by the peer
        if not data:
            return self._status(sid, 0x07)  # the peer closed: seed 002 shows 0x07
        self.out(b"\xcd\x00", bytes([sid, 0]), data)

    def _udp_in(self, sid, s):
        try:
            data, addr = s.host.recvfrom(65535)
        except OSError:
            return
        data = data[:MAX_PAYLOAD]
        if s.state == "connected":
            self.out(b"\xcd\x00", bytes([sid, 0]), data)
        else:
            ip, port = self.net.view(addr, "udp")
            self.out(b"\xce\x00", bytes([sid]), socket.inet_aton(ip), struct.pack(">H", port), b"\x00", data)

    # -- faults ------------------------------------------------------------------------
    def drop_connections(self):
        for sid, s in list(self.socks.items()):
            if s.proto == 1 and s.state == "connected":
                self._status(sid, 0x0C)

    def lose_context(self, recover=True):
        for sid in list(self.socks):
            self._status(sid, 0x0E)
        for key in list(self.net.listening):
            self.net.unlisten(key[1], key[0])
        self.ai = 0x23
        self.out(b"\x8a\x03")
        if recover:
            import threading

            threading.Timer(self.recover_s, lambda: self.later(self._reregister)).start()

    def _reregister(self):
        if not self.airplane:
            self.ai = 0
            self.out(b"\x8a\x02")
