# Sierra Wireless / Wavecom Open AT "WIP" IP commands: AT+WIPCFG (stack),
# +WIPBR (GPRS bearer), +WIPCREATE (UDP 1-8, TCP client 1-8, TCP server 1-4),
# +WIPDATA (the UART mapped to one socket in continuous mode 1, DLE/ETX
# escaping both ways; +++ between guard times -> OK), +WIPCLOSE.
#
# The driver owns two parts with state: `uart` (uart.py: who has the UART,
# commands, the reader's lines) and `bearer` (bearer.py: the stack and the
# GPRS bearer). Three more hold none, so they are functions of the driver:
# urcs.py (the modem's socket news), waits.py (how an app thread waits on a
# socket), udp.py (a UDP socket as a family of modem sockets). codec.py is
# the pure byte and result-code layer.
# Here: the socket table (with the creates in flight, the index ranges
# reserved for listeners' clients, the orphans) and the TCP sockets.
from ..._ports import port as _p
from ..core import Driver, MSocket, Deadline, limit_of
from ..atline import fields
from .bearer import Bearer
from .codec import escape, sid, code, errno_of
from .uart import Uart
from . import udp, waits

_err = _p.oserror


class _X:
    # The driver's state per app socket (MSocket.extra).
    def __init__(self):
        self.ready = 0  # a create in flight: 0 waiting, 1 +WIPREADY, <0 -errno
        self.creating = False
        self.fin = False  # +WIPPEERCLOSE came while data still waits in the modem
        self.udp = {}  # UDP index -> peer (ip, port), or None: the bound socket that only receives
        self.held = {}  # UDP index -> datagrams announced, not yet read
        self.ann = []  # sources announced for the peerless socket's datagrams, oldest first
        self.lru = []  # peered UDP indexes, least recently used first
        self.lport = 0  # UDP local port (0: not known yet)
        self.conn = 0  # UDP index connect() chose
        self.range = None  # a listener's spawned-client indexes


class Wip(Driver):
    NAME = "wip"
    MAX = 1460
    SOCKETS = 8
    READ = 2048  # a mapped UART at 921600 baud brings 92 KB/s

    def __init__(self, line, cfg):
        Driver.__init__(self, line, cfg)
        self.uart = Uart(self, cfg)
        self.bearer = Bearer(self, cfg)
        self.creates = []  # ids with a create in flight, oldest first
        self.ranges = {}  # server index -> (from, to) reserved for its clients
        self.orphans = []  # spawned sockets no listener took: closed at the next command

    def socket(self, type):
        s = MSocket(self, type)
        s.extra = _X()
        return s

    # -- the reader thread (core.Driver.reader) and the link (dataCall) ---------------
    def parse(self, data):
        self.uart.feed(data)

    def resync(self):
        self.uart.reset()

    def init(self):
        self.bearer.init()

    def bring_up(self, ctx=None):
        self.bearer.bring_up(ctx)

    def bring_down(self):
        self.bearer.bring_down()
        self.uart.forget(False)
        with self.lock:
            self.creates = []
            self.ranges = {}
        self.drop_all(103)
        self.set_link(False)

    def link_lost(self, restart):
        """Every socket is gone with the bearer (or, restart, the whole modem)."""
        self.uart.forget()
        with self.lock:
            self.creates = []
            self.ranges = {}
            self.orphans = []
        if restart:
            self.bearer.restarted()
            self.registered = False
        self.drop_all(103)
        self.set_link(False)
        self.done.wake()
        self.bearer.kick()

    def stir(self):
        # The UART changed hands: every waiter looks at it again.
        with self.lock:
            socks = list(self.socks.values())
        for s in socks:
            s.ev.wake()

    def reap_orphans(self):
        # Command lock held, AT mode: close the clients no listener took.
        while self.orphans:
            with self.lock:
                id = self.orphans.pop(0) if self.orphans else None
            if id is not None:
                self.reap(id)

    def poll_wait(self, sock, ready, seconds):
        return waits.poll(self, sock, ready, seconds)

    def bind(self, sock, port):
        udp.bind(self, sock, port)

    def sendto(self, sock, data, ip, port):
        return udp.sendto(self, sock, data, ip, port)

    def resolve(self, host):
        # WIP has no lookup command: a UDP socket created with the name as its
        # peer makes the modem resolve it, and AT+WIPCREATE? lists the address.
        if not host or '"' in host or "," in host or len(host) > 200:
            raise _err(-202)
        probe = self.socket(2)
        info = []
        with self.cmdlock:
            try:
                i = udp.create(self, probe, 0, (host, 53))
            except OSError:
                raise _err(-202)
            try:
                info = self.uart.ok("AT+WIPCREATE?", collect=b"+WIPCREATE:")
            finally:
                self.close_ids(probe, [sid(1, i)])
        for ln in info:
            f = fields(ln[11:].decode())
            if len(f) > 3 and f[0] == "1" and f[1] == str(i) and f[3].count(".") == 3:
                return f[3]
        raise _err(-202)

    # -- sockets --------------------------------------------------------------------
    def free(self, proto, lo=1, hi=8, skip=()):
        with self.lock:
            used = [id & 15 for id in self.socks if id >> 4 == proto]
        for i in range(lo, hi + 1):
            if i not in used and i not in skip:
                return i
        return None

    def _reserved(self):
        out = []
        for a, b in self.ranges.values():
            out.extend(range(a, b + 1))
        return out

    def create(self, sock, id, cmd):
        """Send a create (command lock held, AT mode); the id waits for its
        +WIPREADY or late error afterwards."""
        x = sock.extra
        x.ready = 0
        with self.lock:
            self.socks[id] = sock
            self.creates.append(id)
        try:
            r = self.uart.at(cmd)
            if r.startswith(b"+CME ERROR:") and code(r) == 831 and id not in self._reserved():
                # 831, bad state: the modem still holds an index we freed (a
                # close it never got, or a URC that lied). Free it and ask again.
                try:
                    self.uart.at("AT+WIPCLOSE=%d,%d" % (id >> 4, id & 15))
                except OSError:
                    pass
                r = self.uart.at(cmd)
        except OSError:
            self.abandon(sock, id, True)
            raise
        if r != b"OK":
            self.abandon(sock, id, False)
            raise _err(errno_of(r))

    def abandon(self, sock, id, unsure):
        with self.lock:
            if id in self.creates:
                self.creates.remove(id)
            if self.socks.get(id) is sock:
                del self.socks[id]
        if unsure:  # the answer was lost: the modem may hold the index
            try:
                self.uart.at("AT+WIPCLOSE=%d,%d" % (id >> 4, id & 15))
            except OSError:
                pass

    def connect(self, sock, ip, port):
        x = sock.extra
        if sock.type == 2:
            with self.cmdlock:
                x.conn = udp.peer_index(self, sock, ip, port)
            return
        limit = limit_of(sock)  # the whole connect ends by then, not each step
        with self.held(limit):
            self.uart.to_at()
            i = self.free(2, skip=self._reserved())
            if i is None:
                raise _err(23)
            sock.id = id = sid(2, i)
            self.create(sock, id, 'AT+WIPCREATE=2,%d,"%s",%d' % (i, ip, port))
        x.creating = True
        try:
            ok = waits.poll(self, sock, lambda: x.ready or sock.err, limit.left() / 1000 if limit else self.connect_s)
        finally:
            x.creating = False
        if not ok:
            self.close(sock, 0, Deadline(0.5) if limit else None)  # its clean-up: half a second at most
            raise _err(110)
        if x.ready < 0:
            raise _err(-x.ready)
        if sock.err:
            raise _err(sock.err)

    def listen(self, sock, port, backlog):
        x = sock.extra
        with self.cmdlock:
            self.uart.to_at()
            srv = self.free(3, 1, 4)
            busy = self._reserved()
            with self.lock:
                busy.extend(id & 15 for id in self.socks if id >> 4 == 2)
            rng = None
            for a, b in ((5, 8), (7, 8), (5, 6), (3, 4), (1, 2)):
                if not [i for i in range(a, b + 1) if i in busy]:
                    rng = (a, b)
                    break
            if srv is None or rng is None:
                raise _err(23)
            id = sid(3, srv)
            self.own(sock, id)
            self.ranges[srv] = rng
            x.range = rng
            try:
                self.uart.ok("AT+WIPCREATE=3,%d,%d,%d,%d" % (srv, port, rng[0], rng[1]), errs={831: 98})
            except OSError:
                self.forget(sock)
                del self.ranges[srv]
                x.range = None
                raise

    def send(self, sock, data):
        x = sock.extra
        with self.held(limit_of(sock)):
            if sock.type == 2:
                return udp.send(self, sock, x.conn, data)
            if sock.err:
                raise _err(sock.err)
            if sock.eof or x.fin:
                raise _err(32)  # the modem ended the session at the peer's FIN
            if self.find(sock.id) is not sock:
                raise _err(107)
            try:
                self.uart.map(sock.id)
            except OSError as e:
                raise _err(sock.err or (32 if sock.eof or x.fin else e.args[0]))
            if self.uart.cur != sock.id:
                raise _err(sock.err or 32)
            self.uart.send(escape(data))
        return len(data)

    def close(self, sock, was, limit=None):
        x = sock.extra
        clients = []
        if x.range is not None:
            with sock.lock:
                clients, sock.clients = sock.clients, []  # spawned, never accepted: they go too
        with self.held(limit):
            if sock.type == 2:
                self.close_ids(sock, [sid(1, i) for i in list(x.udp)])
            elif sock.id is not None:
                self.close_ids(sock, [sock.id])
            for c, a in clients:
                self.close_ids(c, [c.id])
            if x.range is not None:
                self.ranges.pop(sock.id & 15, None)

    def reap(self, id):
        s = self.find(id)
        if s is not None:
            self.close_ids(s, [id])

    def close_ids(self, sock, ids):
        # Command lock held. Only what is still ours: the modem freed the rest.
        x = sock.extra
        for id in ids:
            with self.lock:
                owner = self.socks.get(id)
                if owner is sock:
                    del self.socks[id]
                else:
                    owner = None
                if id in self.creates:
                    self.creates.remove(id)
            i = id & 15
            if id >> 4 == 1:
                with sock.lock:  # the reader looks these up
                    x.udp.pop(i, None)
                    x.held.pop(i, None)
                    sock.pending = sum(x.held.values())
                if i in x.lru:
                    x.lru.remove(i)
            if owner is None:
                continue
            try:
                self.uart.to_at()
                self.uart.ok("AT+WIPCLOSE=%d,%d" % (id >> 4, i))
            except OSError as e:
                from ..._lib import config as _config

                _config.log("wip: closing socket %d,%d: %s" % (id >> 4, i, e))
