# Telit xE910 / LE910 / ME910 "IP Easy" sockets, in command mode only: the
# UART stays an AT line, so six sockets can share it. Data goes out with
# #SSENDEXT (prompt, then counted raw bytes) and comes in on request: the
# modem announces it (SRING: <id>,<n>) and an app thread waiting on that
# socket fetches it with #SRECV; the reader never sends a command, since it
# is the one reading the replies. Command-mode sockets get no close URC, so
# a thread waiting in recv asks #SS now and then, and a monitor thread asks
# #SGACT? each second to notice a lost context or a modem that restarted.
#
# The driver owns two parts: `replies` (replies.py, what the reader thread
# makes of the line) and `context` (context.py, module setup, the PDP
# context and its monitor, DNS); at.py is the pure line parser. Here: one
# command at a time (command()) and the sockets; waits.py is how an app
# thread waits on one (functions of the driver: they hold no state).
from ..._ports import port as _p
from ..core import Driver, Deadline, FOREVER, LISTENING, limit_of
from . import at as at
from .context import Context
from .replies import Replies
from . import waits

_err = _p.oserror
FIXED = "fixed"  # sock.extra of a UDP socket #SD opened with its peer: it sends with #SSENDEXT


class Telit(Driver):
    NAME = "telit"
    MAX = 1500  # #SSENDEXT and #SRECV take at most this much
    SOCKETS = 6
    READ = 2048

    def __init__(self, line, cfg):
        Driver.__init__(self, line, cfg)
        self.nsock = max(1, min(6, int(cfg.get("sockets", 6))))
        self.poll_ms = int(cfg.get("poll_ms", 500))  # #SS while a recv waits with nothing announced
        self.context = Context(self, cfg)
        self.replies = Replies(self, self.context)
        self.next_port = 49152  # local ports for UDP sockets the app never bound

    # -- the reader thread (core.Driver.reader) and the link (dataCall) ------------------
    def parse(self, data):
        self.replies.feed(data)

    def resync(self):
        self.replies.reset()

    def start(self, auto, update):
        Driver.start(self, auto, update)
        self.context.start()

    def init(self):
        self.context.init()

    def bring_up(self, ctx=None):
        self.context.bring_up()

    def bring_down(self):
        self.context.bring_down()

    def resolve(self, host):
        return self.context.resolve(host)

    # -- commands ----------------------------------------------------------------------
    def command(self, cmd, payload=None, timeout_ms=None, sock=None, settle_ms=None, limit=None):
        """One command: (result, information lines); result 0 for OK, the
        +CME ERROR number, at.PLAIN for ERROR. OSError(110) if no answer.
        With a payload, it is written after the `> ` prompt. settle_ms: a
        command that prints no information waits only this long once a
        line came that is not its result (a garbled one). limit: the
        Deadline of the app's call this command serves (its settimeout):
        waiting for the line, settling it and the reply all end by then."""
        if isinstance(cmd, str):
            cmd = cmd.encode()
        rx = self.replies
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
            rx.begin(cmd, sock, payload is not None)
            self.waiting = True
            try:
                self.write(cmd + b"\r")
                d = Deadline(ms / 1000)
                if payload is not None:
                    while not rx.prompted and self.reply is None:
                        self._wait(d)
                    if self.reply is None:  # no error instead of the prompt
                        self.write(payload)
                while self.reply is None:
                    if settle_ms and rx.lines:
                        d = Deadline(settle_ms / 1000)
                        settle_ms = None
                    self._wait(d)
                r = at.final(self.reply)
                lines = rx.lines
            finally:
                self.waiting = False
                rx.end()
        finally:
            self.cmdlock.release()
        if (r == 556 or r == at.PLAIN) and self.context.inited:
            self.context.alarm()  # the context or the modem's settings may be gone
        return r, lines

    def _wait(self, d):
        if d.over():
            self.unsure = True  # its reply may still come: settle() before the next command
            raise _err(110)
        self.done.wait(min(d.left(), FOREVER))

    def must(self, cmd):
        r, lines = self.command(cmd)
        if r:
            raise _err(5)
        return lines

    def hangup(self, id, limit=None):
        try:
            self.command("AT#SH=%d" % id, limit=limit)
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

    def mine(self, sock):
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
                r = self.command(cmd % id, timeout_ms=ms, settle_ms=ms and self.timeout_ms, limit=limit)[0]
            except OSError:
                tidy = Deadline(0.5) if limit is not None and limit.end is not None else None
                try:
                    if (waits.ss(self, id, tidy) or (0,))[0] in (2, 3, 4):
                        return  # open: only its OK was lost
                except OSError:
                    pass
                self.hangup(id, tidy)  # it may open yet: don't leave the connId taken
                self._release(sock)
                raise
            if r != 551 or attempt:
                break
            self.hangup(id)  # the modem still holds this connId (an answer we missed)
        if r:
            self._release(sock)
            raise _err(errs.get(r, 5))

    def connect(self, sock, ip, port):
        if sock.type == 2:
            return self._udp_connect(sock, ip, port)
        ms = int((sock.to or self.connect_s) * 1000) + 2000
        self._open(sock, 'AT#SD=%%d,0,%d,"%s",0,0,1' % (port, ip), at.CONNECT_ERR, ms, limit_of(sock))

    def _udp_open(self, sock, ip, port, lport):
        self._open(sock, 'AT#SD=%%d,1,%d,"%s",0,%d,1' % (port, ip, lport), at.LISTEN_ERR)
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
        self._open(sock, "AT#SL=%%d,1,%d" % port, at.LISTEN_ERR)
        sock.extra = port  # where the listener listens again after each accept

    def send(self, sock, data):
        if sock.type == 2 and sock.extra != FIXED:
            return self.sendto(sock, data, sock.peer[0], sock.peer[1])
        if not self.mine(sock):
            raise _err(sock.err or 107)
        n = len(data)
        limit = limit_of(sock)
        r, _ = self.command("AT#SSENDEXT=%d,%d" % (sock.id, n), data, limit=limit)
        if r == 0:
            return n
        if r in (551, 565):  # the modem closed it: ask why
            e = waits.closed(self, sock, 104 if r == 565 else 0, limit)
            raise _err(e or 107)
        raise _err(at.SEND_ERR.get(r, 5))

    def sendto(self, sock, data, ip, port):
        if sock.id is None:
            self._udp_open(sock, "127.0.0.1", 1, (sock.local and sock.local[1]) or self._ephemeral())
        elif not self.mine(sock):
            raise _err(sock.err or 9)
        n = len(data)
        if not n:
            return 0  # #SSENDUDPEXT takes 1..1500 bytes
        r, _ = self.command('AT#SSENDUDPEXT=%d,%d,"%s",%d' % (sock.id, n, ip, port), data, limit=limit_of(sock))
        if r:
            raise _err(at.SEND_ERR.get(r, 5))
        return n

    def close(self, sock, was):
        id = sock.id
        if not self.mine(sock):
            return  # never opened, or the modem closed it already
        try:
            if was == LISTENING:
                self.command("AT#SL=%d,0,%d" % (id, sock.extra or 0))
            else:
                self.command("AT#SH=%d" % id)
        except OSError as e:
            from ..._lib import config as _config

            _config.log("telit: closing connId %d: %s" % (id, e))
        self.forget(sock)  # only now: the connId is not reused before #SH freed it

    def poll_wait(self, sock, ready, seconds):
        return waits.poll(self, sock, ready, seconds)
