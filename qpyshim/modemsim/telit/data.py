"""The Telit simulator's data path: host sockets read into each connId's
buffer (announced with SRING) or straight to the UART in online mode,
with flow control both ways, and payloads from the UART to the peer. A
mixin of TelitSim, under ConnOps (conn.py)."""

import threading
import time

from ..net import UnknownHost, Unreachable

MAX_PAYLOAD = 1500  # #SSENDEXT / #SSENDUDPEXT bytes, #SRECV max
RX_LIMIT = 65536  # the modem's receive buffer per connId: past it the host socket is not read
OUT_LIMIT = 65536  # bytes for the peer not yet taken: past it #SSENDEXT's OK waits


class DataOps:
    def rewatch(self, c):
        if c.host is None:
            return
        reading = not c.paused and not c.remote_closed
        on_read = (lambda h: self.udp_in(c) if c.proto else self.tcp_in(c)) if reading else None
        on_write = (lambda h: self.flush(c)) if c.out else None
        if on_read or on_write:
            self.watch(c.host, on_read=on_read, on_write=on_write)
        else:
            self.unwatch(c.host)

    def pause(self, c):
        c.paused = True
        self.rewatch(c)
        if self.online is c:
            t = threading.Timer(0.02, lambda: self.later(lambda: self.resume(c)))
            t.daemon = True
            t.start()

    def resume(self, c):
        if not c.paused or self.conns.get(c.cid) is not c:
            return
        if (len(self.txbuf) if self.online is c else len(c.rx)) >= RX_LIMIT // 2:
            return self.pause(c) if self.online is c else None
        c.paused = False
        self.rewatch(c)

    def tcp_in(self, c):
        if self.conns.get(c.cid) is not c or c.host is None:
            return
        try:
            data = c.host.recv(16384)
        except BlockingIOError:
            return
        except OSError:
            return self.gone(c, 2)
        if not data:
            return self.gone(c, 1)
        c.received += len(data)
        if self.online is c:
            self.send(data)
            full = len(self.txbuf) >= RX_LIMIT
        else:
            c.rx += data
            c.state = 3 if c.state == 2 else c.state
            self.announce(c)
            full = len(c.rx) >= RX_LIMIT
        if full:
            self.pause(c)

    def udp_in(self, c):
        try:
            data, addr = c.host.recvfrom(65535)
        except OSError:
            return
        if self.conns.get(c.cid) is not c:
            return
        c.received += len(data)
        if self.online is c:
            return self.send(data[:MAX_PAYLOAD])
        if len(c.dgrams) < 64:  # past that the modem drops them, as a full buffer does
            c.dgrams.append([data[:MAX_PAYLOAD], self.view(addr, "udp")])
            c.state = 3 if c.state == 2 else c.state
            self.announce(c)

    def announce(self, c):
        """The data URC in the connId's srMode. [U] once when the buffer
        stops being empty (and again after an #SRECV that left some), or
        for every packet with sring_every."""
        if c.told and not self.sring_every:
            return
        c.told = True
        mode, hexed = self.scfgext[c.cid][0], self.scfgext[c.cid][1]
        if mode == 0:
            return self.urc(f"SRING: {c.cid}")
        if mode == 1:
            total = len(c.rx) if c.proto == 0 else sum(len(d) for d, _ in c.dgrams)
            return self.urc(f"SRING: {c.cid},{total}")
        data, src, left = self.take_data(c, MAX_PAYLOAD)  # srMode 2/3: the data is in the URC
        body = data.hex().upper() if hexed else data.decode("latin-1")
        if mode == 2:
            self.urc(f"SRING: {c.cid},{len(data)},{body}")
        else:
            self.urc(f"SRING: {src[0]},{src[1]},{c.cid},{len(data)},{left},{body}")
        self.drained(c)

    def take_data(self, c, most):
        if c.proto == 0:
            data = bytes(c.rx[:most])
            del c.rx[:most]
            return data, c.peer, len(c.rx)
        d = c.dgrams[0]
        data, rest = d[0][:most], d[0][most:]
        if rest:
            d[0] = rest
        else:
            c.dgrams.pop(0)
        return data, d[1], len(rest)

    def drained(self, c):
        c.told = False
        if c.rx or c.dgrams:
            self.announce(c)  # [U] what is left is announced again
        else:
            c.state = 2 if c.state == 3 else c.state
            if c.remote_closed and c.closure_type == 0:
                return self.discard(c)  # the peer had ended: closed once read
        if c.paused:
            self.resume(c)

    def prompt(self, n, done):
        self.need, self.need_done = n, done
        self.send(b"\r\n> ")

    def sent_payload(self, c, data, dest=None):
        if self.conns.get(c.cid) is not c or c.host is None:
            return self.cme(565)  # it closed while the bytes came
        if c.proto == 1:
            self.sendto(c, data, dest or c.peer)
            return self.ok()
        c.out += data
        c.sent += len(data)
        if not self.flush(c):
            return self.cme(565)
        if len(c.out) > OUT_LIMIT:
            c.hold_ok, self.busy = True, True  # flow control: the next command waits for room
            return
        self.ok()

    def sendto(self, c, data, dest):
        try:
            c.host.sendto(data, self.net.route(self.net.resolve(dest[0]), dest[1], "udp"))
            c.sent += len(data)
        except (OSError, Unreachable, UnknownHost, ValueError) as e:
            if self.log:  # never leaves the host: dropped, as a datagram may be
                self.log.write(f"telit: datagram to {dest} dropped ({e})\n")

    def to_peer(self, c, data):
        """Online-mode bytes from the UART."""
        if c.proto == 1:
            return self.sendto(c, data, c.peer)
        c.out += data
        c.sent += len(data)
        self.flush(c)

    def flush(self, c):
        try:
            n = c.host.send(c.out)
        except BlockingIOError:
            n = 0
        except OSError:
            c.out.clear()
            self.gone(c, 2)
            return False
        del c.out[:n]
        self.rewatch(c)
        if c.hold_ok and len(c.out) <= OUT_LIMIT:
            c.hold_ok, self.busy = False, False
            self.ok()
            self.pump()
        return True

    # -- online mode -------------------------------------------------------------------------
    def go_online(self, c):
        c.state = 1
        self.online, self.plus, self.last_rx = c, 0, time.monotonic()
        self.final("CONNECT")
        if c.rx:
            self.send(bytes(c.rx))
            c.rx.clear()
        c.told = False
        self.resume(c)

    def online_in(self, data):
        """UART bytes to the socket, but for `+++` with the guard time of
        idle line before, between and after the pluses (S12)."""
        now, g, out = time.monotonic(), self.guard, bytearray()
        for i, b in enumerate(data):
            gap = now - self.last_rx if i == 0 else 0.0
            if b == 0x2B and self.plus < 3 and (gap >= g if self.plus == 0 else gap <= g):
                self.plus += 1
            else:
                out += b"+" * self.plus + bytes([b])
                self.plus = 0
            self.last_rx = now
        if out:
            self.to_peer(self.online, bytes(out))
        self.esc_token += 1
        if self.plus == 3:
            token = self.esc_token
            t = threading.Timer(g, lambda: self.later(lambda: self.escape(token)))
            t.daemon = True
            t.start()

    def escape(self, token):
        if token != self.esc_token or self.plus != 3 or self.online is None:
            return  # something came after the pluses: they were data
        c, self.online, self.plus = self.online, None, 0
        c.state = 3 if c.rx else 2
        self.final("OK")
        self.release_urcs()
        self.pump()

    def leave_online(self, c):
        if self.online is c:
            self.online, self.plus = None, 0
            self.frame("NO CARRIER")
            self.release_urcs()

    def release_urcs(self):
        held, self.held_urcs = self.held_urcs, []
        for text in held:
            self.frame(text)
