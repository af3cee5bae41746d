# Sierra Wireless / Wavecom Open AT "WIP" IP commands: AT+WIPCFG (stack),
# +WIPBR (GPRS bearer), +WIPCREATE (UDP 1-8, TCP client 1-8, TCP server 1-4),
# +WIPDATA (the UART mapped to one socket in continuous mode 1, DLE/ETX
# escaping both ways; +++ between guard times -> OK), +WIPCLOSE. Here: the
# link and the TCP sockets. _wip_line.py: who has the UART (data flows only
# while it is mapped to a socket, URCs only come in AT mode); _wip_rx.py:
# the reader; _wip_udp.py: UDP; _wip_codec.py: the bytes.
from ._port import port as _p
from . import _config
from ._mcore import Driver, MSocket, Deadline, CONNECTED, limit_of
from ._atline import fields, ints
from ._wip_codec import Stream, escape
from ._wip_line import Line, sid, errno_of, code
from ._wip_rx import Reader
from ._wip_udp import Udp

_err = _p.oserror
_time = _p.time


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


class Wip(Udp, Reader, Line, Driver):
    NAME = "wip"
    MAX = 1460
    SOCKETS = 8
    READ = 2048  # a mapped UART at 921600 baud brings 92 KB/s

    def __init__(self, line, cfg):
        Driver.__init__(self, line, cfg)
        Line.__init__(self, cfg)
        self.rd = Stream(self._line, self._data, self._dgram, self._end)
        self.apn = cfg.get("apn", "")
        self.user = cfg.get("username", "")
        self.password = cfg.get("password", "")
        self.creates = []  # ids with a create in flight, oldest first
        self.ranges = {}  # server index -> (from, to) reserved for its clients
        self.orphans = []  # spawned sockets no listener took: closed at the next command
        self.recovering = False  # a thread brings the link back
        self.need_init = False  # the modem rebooted: stack and echo as at power-on

    def socket(self, type):
        s = MSocket(self, type)
        s.extra = _X()
        return s

    def _lost(self, restart):
        # Every socket is gone with the bearer (or the whole modem).
        self.cur = self.after = None
        with self.lock:
            self.creates = []
            self.ranges = {}
            self.orphans = []
        if restart:
            self.need_init = True
            self.registered = False
        self.drop_all(103)
        self.set_link(False)
        self.done.wake()
        self._kick()

    def _kick(self):
        if (self.need_init or self.want and not self.up) and not self.recovering:
            self.recovering = True
            _p.thread.start_new_thread(self._recover, ())

    def _recover(self):
        # Not in the reader: it must go on reading the answers.
        try:
            while self.need_init or self.want and not self.up:
                try:
                    if self.need_init:
                        self.need_init = False
                        try:
                            self.init()
                        except OSError:
                            self.need_init = True
                            raise
                    if self.want:
                        self.bring_up()
                except OSError as e:
                    _config.log("wip: bringing the link back: %s; trying again" % (e,))
                    _time.sleep_ms(1000)
        finally:
            self.recovering = False
        self._kick()  # a loss while it ended

    # -- the link -----------------------------------------------------------------
    def init(self):
        with self.cmdlock:
            try:
                self._ok("ATE0")
            except OSError:
                self._escape_blind()  # a UART left mapped takes commands for data
                raise
            self._ok("AT+CMEE=1")
            self._ok("AT+WIPCFG=1", (844,))  # 844: already started
            try:
                reg = self._ok("AT+CREG?", collect=b"+CREG:")
                self.registered = [1 for ln in reg if fields(ln[6:].decode())[1:2] in (["1"], ["5"])] != []
            except (OSError, ValueError):
                self.registered = True  # it can't say: the bearer's start will

    def bring_up(self, ctx=None):
        if ctx and len(ctx) > 3:  # dataCall's [ipType, apn, user, password, auth]; kept for a restart
            self.apn, self.user, self.password = ctx[1] or self.apn, ctx[2] or self.user, ctx[3] or self.password
        with self.cmdlock:
            self._to_at()
            self._ok("AT+WIPBR=1,6", (804,))  # 804: already open
            self._ok('AT+WIPBR=2,6,11,"%s"' % self.apn)
            if self.user:
                self._ok('AT+WIPBR=2,6,0,"%s"' % self.user)
                self._ok('AT+WIPBR=2,6,1,"%s"' % self.password)
            self._ok("AT+WIPBR=4,6,0", timeout_ms=self.connect_s * 1000)
            info = self._ok("AT+WIPBR=3,6,15", collect=b"+WIPBR:")
        ip = None
        for ln in info:
            f = fields(ln[7:].decode())
            if f[:2] == ["6", "15"]:
                ip = f[2]
        self.registered = True
        self.set_link(True, ip)

    def bring_down(self):
        with self.cmdlock:
            self._to_at()
            self._ok("AT+WIPBR=5,6")
        self.cur = None
        with self.lock:
            self.creates = []
            self.ranges = {}
        self.drop_all(103)
        self.set_link(False)

    def resolve(self, host):
        # WIP has no lookup command: a UDP socket created with the name as its
        # peer makes the modem resolve it, and AT+WIPCREATE? lists the address.
        if not host or '"' in host or "," in host or len(host) > 200:
            raise _err(-202)
        probe = self.socket(2)
        info = []
        with self.cmdlock:
            try:
                i = self._udp_create(probe, 0, (host, 53))
            except OSError:
                raise _err(-202)
            try:
                info = self._ok("AT+WIPCREATE?", collect=b"+WIPCREATE:")
            finally:
                self._close_ids(probe, [sid(1, i)])
        for ln in info:
            f = fields(ln[11:].decode())
            if len(f) > 3 and f[0] == "1" and f[1] == str(i) and f[3].count(".") == 3:
                return f[3]
        raise _err(-202)

    # -- sockets --------------------------------------------------------------------
    def _free(self, proto, lo=1, hi=8, skip=()):
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

    def _create(self, sock, id, cmd):
        """Send a create (command lock held, AT mode); the id waits for its
        +WIPREADY or late error afterwards."""
        x = sock.extra
        x.ready = 0
        with self.lock:
            self.socks[id] = sock
            self.creates.append(id)
        try:
            r = self._at(cmd)
            if r.startswith(b"+CME ERROR:") and code(r) == 831 and id not in self._reserved():
                # 831, bad state: the modem still holds an index we freed (a
                # close it never got, or a URC that lied). Free it and ask again.
                try:
                    self._at("AT+WIPCLOSE=%d,%d" % (id >> 4, id & 15))
                except OSError:
                    pass
                r = self._at(cmd)
        except OSError:
            self._abandon(sock, id, True)
            raise
        if r != b"OK":
            self._abandon(sock, id, False)
            raise _err(errno_of(r))

    def _abandon(self, sock, id, unsure):
        with self.lock:
            if id in self.creates:
                self.creates.remove(id)
            if self.socks.get(id) is sock:
                del self.socks[id]
        if unsure:  # the answer was lost: the modem may hold the index
            try:
                self._at("AT+WIPCLOSE=%d,%d" % (id >> 4, id & 15))
            except OSError:
                pass

    def connect(self, sock, ip, port):
        x = sock.extra
        if sock.type == 2:
            with self.cmdlock:
                x.conn = self._peer_index(sock, ip, port)
            return
        limit = limit_of(sock)  # the whole connect ends by then, not each step
        with self.held(limit):
            self._to_at()
            i = self._free(2, skip=self._reserved())
            if i is None:
                raise _err(23)
            sock.id = id = sid(2, i)
            self._create(sock, id, 'AT+WIPCREATE=2,%d,"%s",%d' % (i, ip, port))
        x.creating = True
        try:
            ok = self.poll_wait(sock, lambda: x.ready or sock.err, limit.left() / 1000 if limit else self.connect_s)
        finally:
            x.creating = False
        if not ok:
            self.close(sock, 0, Deadline(0.5) if limit else None)  # its clean-up: half a second at most
            raise _err(110)
        if x.ready < 0:
            raise _err(-x.ready)
        if sock.err:
            raise _err(sock.err)

    def _recheck(self, sock):
        # What a lost URC would have said, from the modem's listings; only
        # in AT mode (never worth a +++), for what can be asked again safely.
        x = sock.extra
        with self.cmdlock:
            if self.cur is not None or self.after is not None:
                return
            try:
                if sock.type == 1 and sock.st == CONNECTED:
                    # TCP counts only: a UDP line again would read as one more datagram.
                    for ln in self._ok("AT+WIPDATA?", collect=b"+WIPDATA:"):
                        f = fields(ln[9:].decode())
                        n = ints(f[:2])
                        if n and len(n) == 2 and n[0] == 2:
                            self._announced(sid(2, n[1]), f)
                    return
                if not x.creating and x.range is None:
                    return
                listed = self._ok("AT+WIPCREATE?", collect=b"+WIPCREATE:")
            except OSError:
                return
        for ln in listed:
            n = ints(fields(ln[11:].decode())[:2])
            if not n or len(n) < 2:
                continue
            id = sid(n[0], n[1])
            if x.creating and id == sock.id:
                with self.lock:
                    if id in self.creates:
                        self.creates.remove(id)
                x.ready = x.ready or 1
            elif x.range and n[0] == 2 and x.range[0] <= n[1] <= x.range[1] and self.find(id) is None:
                self._accepted(sock.id & 15, id)

    def listen(self, sock, port, backlog):
        x = sock.extra
        with self.cmdlock:
            self._to_at()
            srv = self._free(3, 1, 4)
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
                self._ok("AT+WIPCREATE=3,%d,%d,%d,%d" % (srv, port, rng[0], rng[1]), errs={831: 98})
            except OSError:
                self.forget(sock)
                del self.ranges[srv]
                x.range = None
                raise

    def _peers(self, listener):
        # +WIPACCEPT names no address: AT+WIPCREATE? lists the peers.
        with listener.lock:
            want = [c for c, a in listener.clients if a is None]
        if not want:
            return
        found = {}
        try:
            with self.cmdlock:
                self._to_at()
                for ln in self._ok("AT+WIPCREATE?", collect=b"+WIPCREATE:"):
                    f = fields(ln[11:].decode())
                    if len(f) > 4 and f[0] == "2" and f[1].isdigit() and f[4].isdigit():
                        found[sid(2, int(f[1]))] = (f[3], int(f[4]))
        except OSError:
            pass
        with listener.lock:
            for k in range(len(listener.clients)):
                c, a = listener.clients[k]
                if a is None:
                    a = c.peer = found.get(c.id, ("0.0.0.0", 0))
                    listener.clients[k] = (c, a)

    def send(self, sock, data):
        x = sock.extra
        with self.held(limit_of(sock)):
            if sock.type == 2:
                return self._dgram_out(sock, x.conn, data)
            if sock.err:
                raise _err(sock.err)
            if sock.eof or x.fin:
                raise _err(32)  # the modem ended the session at the peer's FIN
            if self.find(sock.id) is not sock:
                raise _err(107)
            try:
                self._map(sock.id)
            except OSError as e:
                raise _err(sock.err or (32 if sock.eof or x.fin else e.args[0]))
            if self.cur != sock.id:
                raise _err(sock.err or 32)
            self._write(escape(data))
            self.last_io = _time.ticks_ms()
        return len(data)

    def close(self, sock, was, limit=None):
        x = sock.extra
        clients = []
        if x.range is not None:
            with sock.lock:
                clients, sock.clients = sock.clients, []  # spawned, never accepted: they go too
        with self.held(limit):
            if sock.type == 2:
                self._close_ids(sock, [sid(1, i) for i in list(x.udp)])
            elif sock.id is not None:
                self._close_ids(sock, [sock.id])
            for c, a in clients:
                self._close_ids(c, [c.id])
            if x.range is not None:
                self.ranges.pop(sock.id & 15, None)

    def _reap(self, id):
        s = self.find(id)
        if s is not None:
            self._close_ids(s, [id])

    def _close_ids(self, sock, ids):
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
                self._to_at()
                self._ok("AT+WIPCLOSE=%d,%d" % (id >> 4, i))
            except OSError as e:
                _config.log("wip: closing socket %d,%d: %s" % (id >> 4, i, e))
