# Telit xE910 / LE910 / ME910 "IP Easy" sockets, in command mode only: the
# UART stays an AT line, so six sockets can share it. Data goes out with
# #SSENDEXT (prompt, then counted raw bytes) and comes in on request: the
# modem announces it (SRING: <id>,<n>) and an app thread waiting on that
# socket fetches it with #SRECV; the reader never sends a command, since it
# is the one reading the replies. Command-mode sockets get no close URC, so
# a thread waiting in recv asks #SS now and then, and a monitor thread asks
# #SGACT? each second to notice a lost context or a modem that restarted.
from ._port import port as _p
from . import _config
from ._atline import AtReader, ints
from ._mcore import Driver, Deadline, Event, FOREVER, CONNECTED, LISTENING, CLOSED
from . import _telit_at as at
from ._telit_at import Reader
from ._telit_link import Link

_err = _p.oserror

# +CME ERROR number -> errno, per kind of command (-202: the name did not resolve).
_CONNECT_ERR = {558: -202, 559: 110, 561: 110, 562: 111, 556: 113, 555: 113, 551: 22, 557: 5, 560: 5}
_SEND_ERR = {563: 5, 565: 104, 556: 103, 551: 107}
# (557/560 on a listen or a UDP bind: the port can't be had.)
_LISTEN_ERR = {564: 98, 551: 22, 557: 98, 560: 98, 556: 113}
# #SLASTCLOSURE cause -> errno: 1 the peer's FIN (EOF), 2 a reset, 3 the
# inactivity timeout, 4 the context went down.
_CLOSURE_ERR = {1: 0, 2: 104, 3: 110, 4: 103}
FIXED = "fixed"


def _limit(sock):
    # The Deadline of an app call on sock: its settimeout, or None (blocking).
    return Deadline(sock.to) if sock.to else None  # sock.extra of a UDP socket #SD opened with its peer: it sends with #SSENDEXT


class Telit(Reader, Link, Driver):
    NAME = "telit"
    MAX = 1500  # #SSENDEXT and #SRECV take at most this much
    SOCKETS = 6
    READ = 2048

    def __init__(self, line, cfg):
        Driver.__init__(self, line, cfg)
        self.nsock = max(1, min(6, int(cfg.get("sockets", 6))))
        self.apn = str(cfg.get("apn", ""))
        self.poll_ms = int(cfg.get("poll_ms", 500))  # #SS while a recv waits with nothing announced
        self.check_ms = int(cfg.get("link_check_ms", 1000))  # #SGACT? from the monitor
        self.at = AtReader(self._line, self._raw, (b"> ",))
        self.lines = []  # information lines of the command in flight
        self.cmd = b""  # the command in flight (its echo is not an answer)
        self.want_prompt = False  # the command in flight sends data after a `> ` prompt
        self.prompted = False
        self.rx_sock = None  # the socket an #SRECV in flight reads
        self.rx_hdr = False  # its #SRECV: header came
        self.rx_to = None  # (sock, (ip, port), n, gen): whom the counted payload is for
        self.gen = 0  # counts commands: a payload belongs to the one that asked for it
        self.inited = False
        self.need_init = False  # the modem lost its settings (restart): run init again
        self.tick = Event()  # wakes the monitor early
        self.next_port = 49152  # local ports for UDP sockets the app never bound

    # -- commands ----------------------------------------------------------------------
    def _at(self, cmd, payload=None, timeout_ms=None, sock=None, settle_ms=None, limit=None):
        """One command: (result, information lines); result 0 for OK, the
        +CME ERROR number, at.PLAIN for ERROR. OSError(110) if no answer.
        With a payload, it is written after the `> ` prompt. settle_ms: a
        command that prints no information waits only this long once a
        line came that is not its result (a garbled one). limit: the
        Deadline of the app's call this command serves (its settimeout):
        waiting for the line, settling it and the reply all end by then."""
        if isinstance(cmd, str):
            cmd = cmd.encode()
        self.hold(limit)
        try:
            if self.unsure:
                self.settle(limit)
            ms = timeout_ms or self.timeout_ms
            if limit is not None and limit.end is not None:
                ms = min(ms, limit.left())
                if ms <= 0:
                    raise _err(110)
            self.reply = None
            self.lines = []
            self.prompted = False
            self.want_prompt = payload is not None
            self.rx_sock = sock
            self.rx_hdr = False
            self.cmd = cmd
            self.gen += 1
            self.waiting = True
            try:
                self.write(cmd + b"\r")
                d = Deadline(ms / 1000)
                if payload is not None:
                    while not self.prompted and self.reply is None:
                        self._wait(d)
                    if self.reply is None:  # no error instead of the prompt
                        self.write(payload)
                while self.reply is None:
                    if settle_ms and self.lines:
                        d = Deadline(settle_ms / 1000)
                        settle_ms = None
                    self._wait(d)
                r = at.final(self.reply)
                lines = self.lines
            finally:
                self.waiting = False
                self.want_prompt = False
                self.rx_sock = None
        finally:
            self.cmdlock.release()
        if (r == 556 or r == at.PLAIN) and self.inited:
            self.tick.wake()  # the context or the modem's settings may be gone
        return r, lines

    def _wait(self, d):
        if d.over():
            self.unsure = True  # its reply may still come: settle() before the next command
            raise _err(110)
        self.done.wait(min(d.left(), FOREVER))

    def _must(self, cmd):
        r, lines = self._at(cmd)
        if r:
            raise _err(5)
        return lines

    def _hangup(self, id, limit=None):
        try:
            self._at("AT#SH=%d" % id, limit=limit)
        except OSError:
            pass

    # -- sockets -----------------------------------------------------------------------
    def _claim(self, sock):
        with self.lock:
            for i in range(1, self.nsock + 1):
                if i not in self.socks:
                    sock.id = i
                    self.socks[i] = sock
                    return i
        raise _err(23)  # every connId is in use

    def _release(self, sock):
        self.forget(sock)
        sock.id = None

    def _mine(self, sock):
        return sock.id is not None and self.find(sock.id) is sock

    def _ephemeral(self):
        with self.lock:
            used = [s.local[1] for s in self.socks.values() if s.type == 2 and s.local]
        for _ in range(64):
            self.next_port = self.next_port + 1 if self.next_port < 65535 else 49152
            if self.next_port not in used:
                break
        return self.next_port

    def _open(self, sock, cmd, errs, ms=None, limit=None):
        """Claim a connId for sock and open it with cmd (% id); on an error
        the connId is free again and errs maps the errno. limit: the app's
        deadline (settimeout); the clean-up after a lost answer gets at
        most half a second more."""
        id = self._claim(sock)
        r = 0
        for attempt in (0, 1):
            try:
                r = self._at(cmd % id, timeout_ms=ms, settle_ms=ms and self.timeout_ms, limit=limit)[0]
            except OSError:
                tidy = Deadline(0.5) if limit is not None and limit.end is not None else None
                try:
                    if (self._ss(id, tidy) or (0,))[0] in (2, 3, 4):
                        return  # open: only its OK was lost
                except OSError:
                    pass
                self._hangup(id, tidy)  # it may open yet: don't leave the connId taken
                self._release(sock)
                raise
            if r != 551 or attempt:
                break
            self._hangup(id)  # the modem still holds this connId (an answer we missed)
        if r:
            self._release(sock)
            raise _err(errs.get(r, 5))

    def connect(self, sock, ip, port):
        if sock.type == 2:
            return self._udp_connect(sock, ip, port)
        ms = int((sock.to or self.connect_s) * 1000) + 2000
        self._open(sock, 'AT#SD=%%d,0,%d,"%s",0,0,1' % (port, ip), _CONNECT_ERR, ms, _limit(sock))

    def _udp_open(self, sock, ip, port, lport):
        self._open(sock, 'AT#SD=%%d,1,%d,"%s",0,%d,1' % (port, ip, lport), _LISTEN_ERR)
        sock.local = (sock.local[0] if sock.local else "0.0.0.0", lport)

    def bind(self, sock, port):
        if sock.id is not None:
            raise _err(22)  # bound already
        # Any peer, as mbed opens them: a placeholder remote, then
        # #SSENDUDPEXT per datagram and #SRECV with the source address.
        self._udp_open(sock, "127.0.0.1", 1, port or self._ephemeral())

    def _udp_connect(self, sock, ip, port):
        if sock.id is None:
            self._udp_open(sock, ip, port, self._ephemeral())
            sock.extra = FIXED
        elif sock.extra == FIXED and sock.peer != (ip, port):
            sock.extra = None  # a new peer: address each datagram instead

    def listen(self, sock, port, backlog):
        if sock.id is not None:
            return
        self._open(sock, "AT#SL=%%d,1,%d" % port, _LISTEN_ERR)
        sock.extra = port  # where the listener listens again after each accept

    def send(self, sock, data):
        if sock.type == 2 and sock.extra != FIXED:
            return self.sendto(sock, data, sock.peer[0], sock.peer[1])
        if not self._mine(sock):
            raise _err(sock.err or 107)
        n = len(data)
        limit = _limit(sock)
        r, _ = self._at("AT#SSENDEXT=%d,%d" % (sock.id, n), data, limit=limit)
        if r == 0:
            return n
        if r in (551, 565):  # the modem closed it: ask why
            e = self._closed(sock, 104 if r == 565 else 0, limit)
            raise _err(e or 107)
        raise _err(_SEND_ERR.get(r, 5))

    def sendto(self, sock, data, ip, port):
        if sock.id is None:
            self._udp_open(sock, "127.0.0.1", 1, (sock.local and sock.local[1]) or self._ephemeral())
        elif not self._mine(sock):
            raise _err(sock.err or 9)
        n = len(data)
        if not n:
            return 0  # #SSENDUDPEXT takes 1..1500 bytes
        r, _ = self._at('AT#SSENDUDPEXT=%d,%d,"%s",%d' % (sock.id, n, ip, port), data, limit=_limit(sock))
        if r:
            raise _err(_SEND_ERR.get(r, 5))
        return n

    def close(self, sock, was):
        id = sock.id
        if not self._mine(sock):
            return  # never opened, or the modem closed it already
        try:
            if was == LISTENING:
                self._at("AT#SL=%d,0,%d" % (id, sock.extra or 0))
            else:
                self._at("AT#SH=%d" % id)
        except OSError as e:
            _config.log("telit: closing connId %d: %s" % (id, e))
        self.forget(sock)  # only now: the connId is not reused before #SH freed it

    # -- waiting: fetch what the modem announced, notice what it won't ------------------
    def poll_wait(self, sock, ready, seconds):
        d = Deadline(seconds)
        limit = d if seconds else None  # (non-blocking: one fetch, as before, with its own timeout)
        probe = Deadline(self.poll_ms / 1000)
        while True:
            live = sock.st != CLOSED and self._mine(sock)
            if live and sock.pending:
                try:
                    if sock.st == LISTENING:
                        self._accept_one(sock)
                    else:
                        self._at("AT#SRECV=%d,%d%s" % (sock.id, self.MAX, ",1" if sock.type == 2 else ""),
                                 sock=sock, limit=limit)
                except OSError as e:
                    if e.args[0] != 110:
                        sock.pending = 0  # the line is gone: don't ask again and again
            if ready():
                return True
            if seconds == 0 or d.over():
                return False
            if live and sock.pending:
                continue
            probing = live and sock.type == 1 and sock.st == CONNECTED
            if probing and probe.over():
                probe = Deadline(self.poll_ms / 1000)
                try:
                    self._probe(sock, limit)
                except OSError:
                    pass
                continue
            sock.ev.wait(min(d.left(), probe.left()) if probing else min(d.left(), FOREVER))

    def _probe(self, sock, limit=None):
        st = self._ss(sock.id, limit)
        if st is None or not self._mine(sock) or sock.pending:
            return
        if st[0] == 0:
            self._closed(sock, 0, limit)  # nothing left to read: the connection ended
        elif st[0] == 3:
            sock.pending = 1  # data held whose SRING we missed

    def _ss(self, id, limit=None):
        """(state, remote (ip, port) or None) of connId id, from #SS."""
        r, lines = self._at("AT#SS=%d" % id, limit=limit)
        for ln in lines:
            s = at.ss(ln)
            if r == 0 and s is not None and s[0] == id:
                return s[1], s[2]
        return None

    def _closed(self, sock, default, limit=None):
        """The modem closed sock's connId: end it with why (from
        #SLASTCLOSURE); the errno, 0 for the peer's orderly end."""
        cause = 0
        try:
            r, lines = self._at("AT#SLASTCLOSURE=%d" % sock.id, limit=limit)
            f = at.info(lines, b"#SLASTCLOSURE:") if r == 0 else None
            n = ints(f) if f is not None else None
            if n is not None and len(n) == 2:
                cause = n[1]
        except OSError:
            pass
        e = _CLOSURE_ERR.get(cause)
        if e is None or e == 103:
            # Unknown (a restarted modem knows nothing), or the context: is it up?
            try:
                if not self._link_check(limit):
                    e = 103
            except OSError:
                pass
            if e is None:
                e = default
        self.forget(sock)
        sock.ended(e)
        return e

    def _accept_one(self, l):
        """A connection waits on listener l's connId: take it there with
        #SA (it becomes the connection) and listen again on a free connId."""
        l.pending = 0
        lid, port = l.id, l.extra
        conn = self.socket(1)
        conn.st = CONNECTED
        free = None
        with self.lock:
            for i in range(1, self.nsock + 1):
                if i not in self.socks:
                    free = i
                    break
            if free is not None:  # data URCs for lid go to the connection from now on
                self.socks[free] = l
                l.id = free
                self.socks[lid] = conn
                conn.id = lid
        ok = False
        if free is None:
            self._hangup(lid)  # no connId for the listener to move to: turn the client away
            free = lid
        else:
            try:
                ok = self._at("AT#SA=%d,1" % lid)[0] == 0
                st = self._ss(lid) if ok else None
                conn.peer = st[1] if st is not None and st[1] is not None else ("0.0.0.0", 0)
            except OSError:
                ok = False
            if not ok:  # the client went before we took it
                self._hangup(lid)
                self.forget(conn)
        try:
            r = self._at("AT#SL=%d,1,%d" % (free, port))[0]
        except OSError:
            r = 110
        if r:
            self.forget(l)
            l.ended(_LISTEN_ERR.get(r, 5))
        if ok:
            l.client(conn, conn.peer)

