# The WIP driver's UDP side. A WIP UDP socket sends only
# to the peer it was created with; one created with no peer only receives,
# and its datagrams' sources come in the +WIPDATA URCs. So an app's UDP
# socket is a family of modem sockets on one local port: the bound one that
# receives, and one per peer it sends to (a few, least used closed first),
# through which that peer's datagrams then come, with their source known.
# A part with no state of its own (that is the socket's: MSocket.extra,
# driver._X), so functions of the driver `d` (no per-driver object on the
# heap); they work through its uart, its socket-table calls (free, create,
# abandon, close_ids, find), held() and the command lock.
from ..._ports import port as _p
from ..atline import fields, ints
from .codec import escape, sid
from ..core import limit_of

_err = _p.oserror
PEERS = 4  # UDP sockets a bound socket keeps for the peers it answers


def create(d, sock, lport, peer):
    """A UDP socket (command lock held); its index once +WIPREADY came."""
    u = d.uart
    x = sock.extra
    u.to_at()
    i = d.free(1)
    if i is None and x.lru:
        d.close_ids(sock, [sid(1, x.lru[0])])  # make room: this socket's least used peer
        i = d.free(1)
    if i is None:
        raise _err(23)
    id = sid(1, i)
    cmd = "AT+WIPCREATE=1,%d,%s" % (i, lport or "")
    if peer is not None:
        cmd += ',"%s",%d' % peer
    d.create(sock, id, cmd)
    if not u.until(sock.ev, lambda: x.ready or sock.err, d.timeout_ms):
        d.abandon(sock, id, True)
        raise _err(110)
    if x.ready < 0:
        raise _err(-x.ready)
    with sock.lock:  # the reader looks it up
        x.udp[i] = peer
    if peer is not None:
        x.lru.append(i)
    return i


def bind(d, sock, port):
    x = sock.extra
    if None in x.udp.values():
        raise _err(22)  # bound already
    with d.cmdlock:
        create(d, sock, port, None)
    x.lport = port
    if sock.id is None:
        sock.id = sid(1, min(x.udp))


def peer_index(d, sock, ip, port):
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
        lport = x.lport or _lport(d, sock)  # the same local port as its others
    if len(x.lru) >= PEERS:
        d.close_ids(sock, [sid(1, x.lru[0])])
    i = create(d, sock, lport, (ip, port))
    if sock.id is None:
        sock.id = sid(1, i)
    return i


def _lport(d, sock):
    x = sock.extra
    u = d.uart
    u.to_at()
    for ln in u.ok("AT+WIPCREATE?", collect=b"+WIPCREATE:"):
        n = ints(fields(ln[11:].decode())[:3])
        if n and len(n) == 3 and n[0] == 1 and n[1] in x.udp:
            x.lport = n[2]
    return x.lport


def sendto(d, sock, data, ip, port):
    with d.held(limit_of(sock)):
        return send(d, sock, peer_index(d, sock, ip, port), data)


def send(d, sock, i, data):
    # Command lock held: one datagram, ended by an ETX, on a peered socket.
    u = d.uart
    id = sid(1, i)
    if d.find(id) is not sock:
        raise _err(sock.err or 107)
    u.map(id)
    if u.cur != id:
        raise _err(sock.err or 107)
    u.send(escape(data) + b"\x03")
    return len(data)
