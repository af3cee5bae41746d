# The WIP driver's UDP side (a mixin of Wip). A WIP UDP socket sends only
# to the peer it was created with; one created with no peer only receives,
# and its datagrams' sources come in the +WIPDATA URCs. So an app's UDP
# socket is a family of modem sockets on one local port: the bound one that
# receives, and one per peer it sends to (a few, least used closed first),
# through which that peer's datagrams then come, with their source known.
from ._port import port as _p
from ._atline import fields, ints
from ._wip_codec import escape
from ._wip_line import sid
from ._mcore import limit_of

_err = _p.oserror
_time = _p.time
PEERS = 4  # UDP sockets a bound socket keeps for the peers it answers


class Udp:
    def _udp_create(self, sock, lport, peer):
        """A UDP socket (command lock held); its index once +WIPREADY came."""
        x = sock.extra
        self._to_at()
        i = self._free(1)
        if i is None and x.lru:
            self._close_ids(sock, [sid(1, x.lru[0])])  # make room: this socket's least used peer
            i = self._free(1)
        if i is None:
            raise _err(23)
        id = sid(1, i)
        cmd = "AT+WIPCREATE=1,%d,%s" % (i, lport or "")
        if peer is not None:
            cmd += ',"%s",%d' % peer
        self._create(sock, id, cmd)
        if not self._until(sock.ev, lambda: x.ready or sock.err, self.timeout_ms):
            self._abandon(sock, id, True)
            raise _err(110)
        if x.ready < 0:
            raise _err(-x.ready)
        with sock.lock:  # the reader looks it up
            x.udp[i] = peer
        if peer is not None:
            x.lru.append(i)
        return i

    def bind(self, sock, port):
        x = sock.extra
        if None in x.udp.values():
            raise _err(22)  # bound already
        with self.cmdlock:
            self._udp_create(sock, port, None)
        x.lport = port
        if sock.id is None:
            sock.id = sid(1, min(x.udp))

    def _peer_index(self, sock, ip, port):
        # The UDP socket that talks to (ip, port): the modem's UDP sockets
        # send only to the peer they were created with.
        x = sock.extra
        for i, p in x.udp.items():
            if p == (ip, port):
                x.lru.remove(i)
                x.lru.append(i)
                return i
        lport = 0
        if x.udp:
            lport = x.lport or self._lport(sock)  # the same local port as its others
        if len(x.lru) >= PEERS:
            self._close_ids(sock, [sid(1, x.lru[0])])
        i = self._udp_create(sock, lport, (ip, port))
        if sock.id is None:
            sock.id = sid(1, i)
        return i

    def _lport(self, sock):
        x = sock.extra
        self._to_at()
        for ln in self._ok("AT+WIPCREATE?", collect=b"+WIPCREATE:"):
            n = ints(fields(ln[11:].decode())[:3])
            if n and len(n) == 3 and n[0] == 1 and n[1] in x.udp:
                x.lport = n[2]
        return x.lport

    def sendto(self, sock, data, ip, port):
        with self.held(limit_of(sock)):
            return self._dgram_out(sock, self._peer_index(sock, ip, port), data)

    def _dgram_out(self, sock, i, data):
        # Command lock held: one datagram, ended by an ETX, on a peered socket.
        id = sid(1, i)
        if self.find(id) is not sock:
            raise _err(sock.err or 107)
        self._map(id)
        if self.cur != id:
            raise _err(sock.err or 107)
        self._write(escape(data) + b"\x03")
        self.last_io = _time.ticks_ms()
        return len(data)
