"""The Telit simulator's data path: host sockets read into each connId's
buffer (announced with SRING) or straight to the UART in online mode,
with flow control both ways, payloads from the UART to the peer, and the
data commands (#SRECV, #SSENDEXT, #SSENDUDPEXT). Owned by Sockets
(sockets.py), whose table and closes it uses; it answers on the UART and
watches host sockets through `modem`."""

import threading

from ..net import UnknownHost, Unreachable
from .codec import norm_ip, num, string

MAX_PAYLOAD = 1500  # #SSENDEXT / #SSENDUDPEXT bytes, #SRECV max
RX_LIMIT = 65536  # the modem's receive buffer per connId: past it the host socket is not read
OUT_LIMIT = 65536  # bytes for the peer not yet taken: past it #SSENDEXT's OK waits


class DataPath:
    def __init__(self, sockets, modem, uart, sring_every):
        self.sockets, self.modem, self.uart = sockets, modem, uart
        self.sring_every = sring_every  # [U] SRING per arriving packet, not only when the buffer was empty

    def rewatch(self, c):
        if c.host is None:
            return
        reading = not c.paused and not c.remote_closed
        on_read = (lambda h: self.udp_in(c) if c.proto else self.tcp_in(c)) if reading else None
        on_write = (lambda h: self.flush(c)) if c.out else None
        if on_read or on_write:
            self.modem.watch(c.host, on_read=on_read, on_write=on_write)
        else:
            self.modem.unwatch(c.host)

    def pause(self, c):
        c.paused = True
        self.rewatch(c)
        if self.uart.online is c:
            t = threading.Timer(0.02, lambda: self.modem.later(lambda: self.resume(c)))
            t.daemon = True
            t.start()

    def resume(self, c):
        if not c.paused or self.sockets.conns.get(c.cid) is not c:
            return
        if (self.uart.backlog() if self.uart.online is c else len(c.rx)) >= RX_LIMIT // 2:
            return self.pause(c) if self.uart.online is c else None
        c.paused = False
        self.rewatch(c)

    def tcp_in(self, c):
        if self.sockets.conns.get(c.cid) is not c or c.host is None:
            return
        try:
            data = c.host.recv(16384)
        except BlockingIOError:
            return
        except OSError:
            return self.sockets.gone(c, 2)
        if not data:
            return self.sockets.gone(c, 1)
        c.received += len(data)
        if self.uart.online is c:
            self.uart.send(data)
            full = self.uart.backlog() >= RX_LIMIT
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
        if self.sockets.conns.get(c.cid) is not c:
            return
        c.received += len(data)
        if self.uart.online is c:
            return self.uart.send(data[:MAX_PAYLOAD])
        if len(c.dgrams) < 64:  # past that the modem drops them, as a full buffer does
            c.dgrams.append([data[:MAX_PAYLOAD], self.sockets.view(addr, "udp")])
            c.state = 3 if c.state == 2 else c.state
            self.announce(c)

    def announce(self, c):
        """The data URC in the connId's srMode. [U] once when the buffer
        stops being empty (and again after an #SRECV that left some), or
        for every packet with sring_every."""
        if c.told and not self.sring_every:
            return
        c.told = True
        mode, hexed = self.sockets.scfgext[c.cid][0], self.sockets.scfgext[c.cid][1]
        if mode == 0:
            return self.uart.urc(f"SRING: {c.cid}")
        if mode == 1:
            total = len(c.rx) if c.proto == 0 else sum(len(d) for d, _ in c.dgrams)
            return self.uart.urc(f"SRING: {c.cid},{total}")
        data, src, left = self.take_data(c, MAX_PAYLOAD)  # srMode 2/3: the data is in the URC
        body = data.hex().upper() if hexed else data.decode("latin-1")
        if mode == 2:
            self.uart.urc(f"SRING: {c.cid},{len(data)},{body}")
        else:
            self.uart.urc(f"SRING: {src[0]},{src[1]},{c.cid},{len(data)},{left},{body}")
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
                return self.sockets.discard(c)  # the peer had ended: closed once read
        if c.paused:
            self.resume(c)

    def sent_payload(self, c, data, dest=None):
        if self.sockets.conns.get(c.cid) is not c or c.host is None:
            return self.uart.cme(565)  # it closed while the bytes came
        if c.proto == 1:
            self.sendto(c, data, dest or c.peer)
            return self.uart.ok()
        c.out += data
        c.sent += len(data)
        if not self.flush(c):
            return self.uart.cme(565)
        if len(c.out) > OUT_LIMIT:
            c.hold_ok, self.uart.busy = True, True  # flow control: the next command waits for room
            return
        self.uart.ok()

    def sendto(self, c, data, dest):
        try:
            c.host.sendto(data, self.modem.net.route(self.modem.net.resolve(dest[0]), dest[1], "udp"))
            c.sent += len(data)
        except (OSError, Unreachable, UnknownHost, ValueError) as e:
            if self.modem.log:  # never leaves the host: dropped, as a datagram may be
                self.modem.log.write(f"telit: datagram to {dest} dropped ({e})\n")

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
            self.sockets.gone(c, 2)
            return False
        del c.out[:n]
        self.rewatch(c)
        if c.hold_ok and len(c.out) <= OUT_LIMIT:
            c.hold_ok, self.uart.busy = False, False
            self.uart.ok()
            self.uart.pump()
        return True

    # -- data commands ---------------------------------------------------------------------
    def c_SRECV(self, form, a):
        c = self.sockets.conns[num(a, 0, 1, self.sockets.limit)]
        most, udpinfo = num(a, 1, 1, MAX_PAYLOAD), num(a, 2, 0, 1, 0)
        if c.state not in (2, 3) or not (c.rx or c.dgrams):
            return self.uart.cme(551)  # [U] nothing to read reads as the wrong state (2, not 3)
        data, src, left = self.take_data(c, most)
        head = f"#SRECV: {src[0]},{src[1]},{c.cid},{len(data)},{left}" if udpinfo else f"#SRECV: {c.cid},{len(data)}"
        body = data.hex().upper().encode() if self.sockets.scfgext[c.cid][1] else data
        self.uart.send(b"\r\n" + head.encode() + b"\r\n" + body + b"\r\n")  # [U] layout: header, data, blank line, OK
        self.uart.final("OK")
        self.drained(c)

    def c_SSENDEXT(self, form, a):
        c = self.sockets.conns[num(a, 0, 1, self.sockets.limit)]
        n = num(a, 1, 1, MAX_PAYLOAD)
        if c.state not in (2, 3) or c.host is None:
            return self.uart.cme(551)
        self.uart.prompt(n, lambda data: self.sent_payload(c, data))

    def c_SSENDUDPEXT(self, form, a):
        c = self.sockets.conns[num(a, 0, 1, self.sockets.limit)]
        n, ip, port = num(a, 1, 1, MAX_PAYLOAD), norm_ip(string(a, 2)), num(a, 3, 1, 65535)
        if c.proto != 1 or c.state not in (2, 3):
            return self.uart.cme(551)
        self.uart.prompt(n, lambda data: self.sent_payload(c, data, (ip, port)))
