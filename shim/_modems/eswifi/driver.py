# Inventek eS-WiFi (ISM43362 / ISM43340) over its UART AT command set: Wi-Fi
# join (C1..C4, C0), DNS (D0), four sockets whose registers P0 selects (P1..P8,
# PK, P5 servers, P6 clients), S3 sends and polled R0 reads.
#
# The module announces no data: an app thread waiting in recv asks R0, and the
# module itself waits up to R2 ms for data, so a poll is a blocking read, not
# a spin. Every P/S/R sequence runs under one first-come-first-served command
# turn (pollers and senders take turns fairly), and a poll holds it for one R0.
# The selected socket and the R1/R2/P3/P4 values sent are cached, so a send
# is one S3 when nothing changed.
#
# Peer close is not announced either: R0/S3 answer `-1` + ERROR. The module
# cannot tell an orderly close from a lost connection; this driver reads a
# plain `-1 ERROR` as the end of the stream (EOF) and `ERROR: Connection reset`
# (the simulator says so for a reset) as 104. A socket error first makes the
# driver ask CS: when the Wi-Fi association is gone every socket ends with 103.
# A watcher thread asks CS once a second too (a module restart or lost AP
# shows only that way) and rejoins when the app wants the link up.
#
# An accepted client lives on the server's own socket number (multi-accept,
# P5=11): accept() returns a socket aliasing it; one client at a time, the
# next is presented (P5=10) when the app closes the current one.
#
# The driver owns two parts: `at` (channel.py: the command turns, the reply
# parser, the P0 selection) and `wifi` (wifi.py: joining, the watcher, DNS);
# at.py is the pure reply parser; servers.py, functions of the driver (they
# hold no state), the multi-accept servers. Here: the module's sockets.
from ..._ports import port as _p
from ..core import Driver, Deadline, wait_until, limit_of, LISTENING, CLOSED
from .at import errno_of
from .channel import AtChannel
from .wifi import Wifi
from . import servers
from .servers import CLIENT, SERVER
from ..atline import fields

_err = _p.oserror
R1 = 1460  # bytes per R0 (the module's maximum)
POLL_MS = 100  # R2: how long one R0 may wait for data


class _Regs:
    # What the driver last told one of the module's register sets.
    def __init__(self):
        self.kind = 0  # 0 free, CLIENT, SERVER
        self.r1 = 0
        self.r2 = -1
        self.dest = None  # (ip, port) in P3/P4


class EsWifi(Driver):
    NAME = "eswifi"
    MAX = 1460
    SOCKETS = 4
    SETTLE = True  # replies name no command: a late one must not answer the next

    def __init__(self, line, cfg):
        Driver.__init__(self, line, cfg)
        self.at = AtChannel(self, self._async)
        self.regs = [_Regs() for _ in range(self.SOCKETS)]
        self.arrivals = []  # (ip, port) accepted while several servers waited
        self.wifi = Wifi(self, cfg)
        # An R0 answers within R2 plus the time its bytes take on the line.
        self.slack = 1000 + (R1 + 32) * 10000 // int(cfg.get("baudrate", 115200))

    # -- the reader thread (core.Driver.reader) and the link (dataCall) -------------------
    def parse(self, data):
        self.at.rd.feed(data)

    def resync(self):
        self.at.rd.reset()

    def start(self, auto, update):
        Driver.start(self, auto, update)
        self.wifi.start()

    def init(self):
        self.wifi.init()

    def bring_up(self, ctx=None):
        self.wifi.bring_up()

    def bring_down(self):
        self.wifi.bring_down()

    def resolve(self, host):
        return self.wifi.resolve(host)

    def _async(self, line):
        servers.announce(self, line)

    def link_lost(self):
        """The association (or the module) went: so did every socket."""
        self.registered = False
        self.at.reselect()
        self.regs = [_Regs() for _ in range(self.SOCKETS)]
        self.drop_all(103)
        self.set_link(False)  # the watcher rejoins on its next round, a second on

    def drop_all(self, errno):
        with self.lock:
            conns = [s.extra for s in self.socks.values() if s.extra is not None]
        Driver.drop_all(self, errno)
        for c in conns:
            c.ended(errno)

    def _take(self, sock, kind):
        with self.lock:
            for n in range(self.SOCKETS):
                if n not in self.socks:
                    sock.id = n
                    self.socks[n] = sock
                    self.regs[n] = _Regs()
                    self.regs[n].kind = kind
                    return n
        raise _err(23)

    def _free(self, sock, limit=None):
        # A failed open: stop what may have started, give the number back.
        n, kind = sock.id, self.regs[sock.id].kind
        try:
            with self.at.within(limit):
                self.at.select(n)
                self.at.ok(b"P6=0\r" if kind == CLIENT else b"P5=0\r")
        except OSError:
            self.at.reselect()
        self.forget(sock)
        sock.id = None

    def connect(self, sock, ip, port):
        if sock.type == 2 and sock.id is not None:  # a bound UDP socket: just the destination
            with self.at.turns:
                self._dest(sock.id, ip, port)
            return
        n = self._take(sock, CLIENT)
        limit = limit_of(sock)
        try:
            with self.at.within(limit):
                self.at.select(n)
                self.at.set("P1", 0 if sock.type == 1 else 1)
                self._dest(n, ip, port)
                self.at.ok(b"P6=1\r", int((sock.to or self.connect_s) * 1000))
        except OSError:
            self._free(sock, Deadline(0.5) if limit else None)  # half a second at most to tidy up
            raise

    def _dest(self, n, ip, port):
        g = self.regs[n]
        if g.dest != (ip, port):
            g.dest = None
            self.at.set("P3", ip)
            self.at.set("P4", port)
            g.dest = (ip, port)

    def bind(self, sock, port):  # UDP
        self._serve(sock, ("P1=1", "P2=%d" % port, "P5=1"))

    def listen(self, sock, port, backlog):
        self._serve(sock, ("P1=0", "P2=%d" % port, "P8=%d" % min(max(backlog, 1), 6), "PK=1,3000", "P5=11"))

    def _serve(self, sock, cmds):
        n = self._take(sock, SERVER)
        try:
            with self.at.turns:
                self.at.select(n)
                for c in cmds:
                    self.at.ok((c + "\r").encode())
        except OSError as e:
            self._free(sock)
            raise _err(e.args[0] if e.args[0] in (110, 98) else 5)

    def send(self, sock, data):
        return self._send(sock, data, None)

    def sendto(self, sock, data, ip, port):
        if sock.id is None:  # an unbound UDP socket: open it towards this destination
            self.connect(sock, ip, port)
        return self._send(sock, data, (ip, port))

    def _send(self, sock, data, dest):
        n = sock.id
        if n is None:
            raise _err(107)
        limit = limit_of(sock)
        with self.at.within(limit):
            self.at.select(n)
            if dest:
                self._dest(n, dest[0], dest[1])
            ok, what = self.at.ask(("S3=%d\r" % len(data)).encode() + bytes(data))
        if ok and what and what[-1].isdigit():
            return int(what[-1])
        if not isinstance(what, list) or what[:1] != [b"-1"]:
            raise _err(5)  # a garbled reply: whether it went is unknown
        if sock.type == 2:
            raise _err(errno_of(what))
        return self._dead(sock, what, True, limit)

    def _dead(self, sock, lines, sending=False, limit=None):
        # -1 + ERROR on a stream: the connection is gone. Why?
        if self.wifi.check(limit) is False:
            errno = 103
        elif errno_of(lines, 0) == 104:
            errno = 104
            sock.ended(104)
        else:
            errno = 107
            sock.ended(0)  # the peer's end: what was read stays readable, then EOF
        if sending:
            raise _err(errno)

    def poll_wait(self, sock, ready, seconds):
        if sock.st == LISTENING:
            return servers.wait_client(self, sock, ready, seconds)
        d = Deadline(seconds)
        while not ready():
            if sock.st == CLOSED:
                sock.ended(9)  # closed by another thread: EBADF, as a call after close
                return True
            if sock.id is None:  # nothing open on the module: nothing can come
                return wait_until(sock.ev, ready, None if seconds is None else d.left() / 1000)
            if not self._read(sock, POLL_MS if seconds is None else max(1, min(POLL_MS, d.left())), d if seconds else None):
                sock.ev.wait(POLL_MS)  # the module did not answer as it should: not again at once
            if seconds is not None and d.over():
                return bool(ready())
        return True

    def _read(self, sock, ms, limit=None):
        """One R0 (R1/R2 first if they changed); False if it went wrong.
        limit: the app call's Deadline: the turn and the replies end by then."""
        n, at_r0, src = sock.id, False, None
        try:
            with self.at.within(limit):
                if sock.id != n or sock.st == CLOSED or sock.err:
                    return True
                self.at.select(n)
                g = self.regs[n]
                if g.r1 != R1:
                    self.at.set("R1", R1)
                    g.r1 = R1
                if g.r2 != ms:
                    g.r2 = -1
                    self.at.set("R2", ms)
                    g.r2 = ms
                at_r0 = True
                if limit is not None and limit.end is not None:
                    # R0 answers R2 (<= what is left) ms after it, the data
                    # behind: half a second more for that, not a lost reply.
                    self.limit = Deadline((limit.left() + 500) / 1000)
                ok, what = self.at.ask(b"R0\r", ms + self.slack, R1)
                at_r0 = False
                if ok and isinstance(what, bytes) and what and sock.type == 2:
                    src = self._source(n)
        except OSError:
            self._trouble(sock, at_r0, limit)
            return False
        if isinstance(what, list) and what[:1] == [b"-1"] and sock.type == 1:
            self._dead(sock, what, False, limit)
        elif not ok or not isinstance(what, bytes):
            self._trouble(sock, True, limit)
            return False
        elif what:
            if sock.type == 2:
                sock.datagram(what, src or sock.peer)
            else:
                sock.feed(what)
        return True

    def _source(self, n):
        # The datagram's sender: P? reports it as the remote address (and the
        # module answers there next, so the P3/P4 cache follows).
        try:
            f = fields(self.at.ok(b"P?\r")[-1].decode())
            src = (f[3], int(f[4]))
        except (OSError, ValueError, IndexError):
            return None
        self.regs[n].dest = src
        return src

    def _trouble(self, sock, lost_data, limit=None):
        # No answer or a garbled one: resync, and if the lost reply may have
        # held data, the stream is broken (EIO).
        self.at.reselect()
        self.regs[sock.id if sock.id is not None else 0].r2 = -1
        if self.wifi.check(limit) is False or not lost_data:
            return
        sock.ended(5)

    def close(self, sock, was):
        n = sock.id
        if n is None:
            return
        owner = self.find(n)
        if was == LISTENING or owner is sock:
            c = sock.extra
            if was == LISTENING and c is not None and c.st != CLOSED and not sock.clients:
                return  # the app still talks to its client: P5=0 when that one closes
            if owner is sock:
                self._stop(n, b"P5=0\r" if self.regs[n].kind == SERVER else b"P6=0\r")
                self.forget(sock)
            return
        listener = sock.extra  # an accepted client, on its server's number
        if listener is None or owner is not listener:
            return  # the module dropped it already
        if listener.extra is sock:
            listener.extra = None  # the next Accepted is the server's again
        if listener.st == CLOSED:
            self._stop(n, b"P5=0\r")
            self.forget(listener)
        else:
            self._stop(n, b"P5=10\r")  # close this client, present the next queued one

    def _stop(self, n, cmd):
        try:
            with self.at.turns:
                self.at.select(n)
                self.at.ok(cmd)
        except OSError as e:
            self.at.reselect()
            from ..._lib import config as _config

            _config.log("eswifi: closing socket %d: %s" % (n, e))
        g = self.regs[n]
        g.r1, g.r2, g.dest = 0, -1, None
