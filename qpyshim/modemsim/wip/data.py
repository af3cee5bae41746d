"""The WIP simulator's data path: the host sockets' events (UDP datagrams
matched to their modem socket, accepted clients, TCP data held and
announced, or passed to the mapped UART), flow control against the paced
UART, and a mapped socket's bytes from the UART (to_peer, shut, udp_send).
Owned by Sockets (sockets.py), whose table it reads and fills; it writes
on the UART (uart.py) and watches host sockets through `modem`."""

import socket

from .codec import UDP_MAX

HOLD_TCP = 65536  # bytes held for an unmapped TCP socket before its host is no longer read
HOLD_UDP = 64  # datagrams held for an unmapped UDP socket; more are dropped, as UDP may
TX_HIGH = 32768  # UART backlog above which a mapped socket's host is no longer read


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
    def __init__(self, sockets, modem, uart):
        self.sockets, self.modem, self.uart = sockets, modem, uart
        self.paused = set()  # sockets whose host is not read for want of room

    def reset(self):
        self.paused = set()

    def forget(self, s):
        self.paused.discard(s)

    # -- UDP ------------------------------------------------------------------------------
    def udp_send(self, s, data):
        if s.peer is None:
            if self.modem.log:
                self.modem.log.write(f"wip: UDP {s.idx} has no peer: {len(data)} bytes dropped\n")
            return
        try:
            s.host.sendto(data, self.modem.net.route(s.peer[0], s.peer[1], "udp"))
        except Exception as e:  # not loopback, not mapped: it never leaves the host
            if self.modem.log:
                self.modem.log.write(f"wip: datagram to {s.peer} dropped ({e})\n")

    def udp_in(self, port):
        entry = self.sockets.ports.get(port)
        if entry is None:
            return
        try:
            data, addr = entry[0].recvfrom(65535)
        except OSError:
            return
        view = self.modem.net.view(addr, "udp")
        target = peerless = None
        for s in self.sockets.socks.values():
            if s.proto != 1 or s.lport != port or s.state != "ready":
                continue
            if s.peer is None:
                peerless = s
            elif s.peer == view or self.route(s.peer) == addr:
                target = s
                break
        src = target.peer if target else view
        target = target or peerless
        if target is None or not data:
            return  # no socket for it, or an empty datagram (it has no form on the UART)
        data = data[:UDP_MAX]
        if self.uart.mapped is target and target.peer is not None:
            self.uart.to_mapped(data, dgram=True)
        elif len(target.dgrams) < HOLD_UDP:
            target.dgrams.append((data, src))
            self.uart.urc(b'+WIPDATA: 1,%d,%d,"%s",%d' % (target.idx, len(data), src[0].encode(), src[1]))

    def route(self, peer):
        try:
            return self.modem.net.route(peer[0], peer[1], "udp")
        except Exception:
            return None

    # -- TCP ------------------------------------------------------------------------------
    def accept(self, srv):
        try:
            hs, addr = srv.host.accept()
        except OSError:
            return
        socks = self.sockets.socks
        free = [i for i in range(srv.range[0], srv.range[1] + 1) if (2, i) not in socks]
        if not free or self.sockets.full():
            hs.close()  # no index left for it: the client is turned away
            return
        hs.setblocking(False)
        c = Sock(2, free[0])
        c.host, c.state, c.peer, c.lport = hs, "ready", self.modem.net.view(addr), srv.lport
        socks[(2, c.idx)] = c
        self.rewatch(c)
        self.uart.urc(b"+WIPACCEPT: %d,%d" % (srv.idx, c.idx))

    def rewatch(self, s):
        hs = s.host
        if hs is None or hs.fileno() < 0:
            return
        on_read = (lambda h: self.tcp_in(s)) if s.state == "ready" and not s.paused else None
        on_write = (lambda h: self.flush(s)) if s.out else None
        if on_read or on_write:
            self.modem.watch(hs, on_read, on_write)
        else:
            self.modem.unwatch(hs)

    def tcp_in(self, s):
        try:
            data = s.host.recv(4096)
        except BlockingIOError:
            return
        except OSError:
            return self.tcp_reset(s)
        if not data:
            s.state = "fin"
            self.rewatch(s)
            why = b"+WIPPEERCLOSE: 2,%d" % s.idx
            return self.uart.end_session(why) if self.uart.mapped is s else self.uart.urc(why)
        if self.uart.mapped is s:
            self.uart.to_mapped(data)
            full = len(self.modem.txbuf) > TX_HIGH
        else:
            s.rx += data
            if not s.announced:
                s.announced = True
                self.uart.urc(b"+WIPDATA: 2,%d,%d" % (s.idx, len(s.rx)))
            full = len(s.rx) >= HOLD_TCP
        if full:
            s.paused = True
            self.paused.add(s)
            self.rewatch(s)

    def tcp_reset(self, s, why=None):
        s.state = "reset"
        s.rx.clear()
        s.out.clear()
        if s.host is not None:
            self.modem.close_host(s.host, reset=True)
            s.host = None
        if self.uart.mapped is s:
            self.uart.end_session(self.uart.cme(843))
        else:
            self.uart.urc(b"+WIPERROR: 2,%d,843" % s.idx)

    def flush(self, s):
        try:
            n = s.host.send(s.out)
        except BlockingIOError:
            n = 0
        except OSError:
            n = len(s.out)  # the peer is gone; its read side will say so
        del s.out[:n]
        if not s.out:
            if s.state == "closed":
                self.modem.close_host(s.host)
                s.host = None
                return
            if s.shut:
                try:
                    s.host.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
        self.rewatch(s)

    # -- a mapped socket's bytes from the UART ------------------------------------------------
    def to_peer(self, s, data):
        if s.host is not None and s.state in ("ready", "fin"):
            s.out += data
            self.flush(s)

    def shut(self, s):
        s.shut = True
        if s.host is not None:
            self.flush(s)

    def resume_paused(self):
        """The paced UART moved: sockets whose host was left unread for want
        of room are read again once there is some."""
        for s in list(self.paused):
            if self.uart.mapped is s and len(self.modem.txbuf) < TX_HIGH // 4 or \
                    self.uart.mapped is not s and len(s.rx) < HOLD_TCP:
                s.paused = False
                self.paused.discard(s)
                self.rewatch(s)
