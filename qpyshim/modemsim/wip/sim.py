"""A Sierra Wireless / Wavecom modem running the Open AT WIP IP plugin: the
AT commands +WIPCFG, +WIPBR, +WIPCREATE, +WIPDATA (the UART mapped to one
socket, continuous mode 1 with DLE/ETX escaping for UDP and TCP, transparent
mode 2 for TCP), +WIPCLOSE, and their URCs; each modem socket backed by a
host socket on loopback.

Where the guides are silent or disagree (spec §3, §7.3), this modem does:
* TCP in mode 1 (the GPRS-F4 guide allows it; the CDMA guide does not).
* The modem ends a mapped mode-1 session with an unescaped ETX, then a line
  that says why: `OK` for the host's +++, `+WIPPEERCLOSE: 2,<i>` for the
  peer's FIN, `+CME ERROR: 843` for a reset, `+WIPBR: 6,0` for a lost
  bearer. In UDP mode an ETX ends each datagram, so the session's end is an
  ETX with no datagram before it (an empty datagram has no form on the UART
  and is not delivered while mapped). A reboot while mapped writes the ETX
  too (standing in for the DCD drop a real UART shows), then `+WIND: 4`.
* A host ETX in UDP mode sends the datagram and the session goes on;
  udp_etx_ends=True gives the GPRS-F4 example's reading instead (ETX, then
  the modem's ETX and OK: the session ends).
* URCs are held while the UART is mapped and printed after the session's
  end line. Data for an unmapped socket is held: TCP announces
  `+WIPDATA: 2,<i>,<n>` once per batch (n = bytes held then); UDP announces
  every datagram, `+WIPDATA: 1,<i>,<size>,"<ip>",<port>`. A socket created
  with no peer gets, while mapped, only the datagrams announced before (the
  UART gives no source address); later ones wait for the next unmapping.
* A UDP socket with a peer takes the datagrams from that peer; several UDP
  sockets may share one local port (one peerless, the others with peers).
* Errors: a create's failure is a late bare `+CME ERROR`: 843 refused (a
  reset answering the SYN), 842 unreachable or timed out, 848 name not
  found [our pick; the guides list 845-849 for DNS/bearer without text].
  A TCP socket reset while unmapped: `+WIPERROR: 2,<i>,843` (the CDMA
  guide's URC). Listen refused or port in use: 840. Index in use or
  reserved by a server: 831. No free socket (the `sockets` limit): 838.
* A UDP create with a peer looks a name up at once (848 if unknown); an
  address no route reaches is accepted, and what is sent to it dropped.
* AT+WIPBR=4,6,0 answers OK after attach_ms (the network's attach).
* Bearer loss (fault lose-context): every socket goes, `+WIPBR: 6,0`; the
  bearer is restarted with AT+WIPBR=4,6,0. Boot: `+WIND: 4`, echo on,
  CMEE=0, WIP stack stopped.
"""

import threading

from ..base import Simulator
from ..net import UnknownHost
from .data import DataPath, Sock, _args, _num

LATE_ERR = {"dns": 848, "refused": 843}  # a create's late error; else 842
BEARERS = (1, 2, 4, 5, 11, 12, 13, 14, 21, 22, 23, 24)  # real bearer ids this modem does not simulate


class WipSim(DataPath, Simulator):
    NAME = "wip"

    def __init__(self, *args, guard_ms=1000, sockets=None, udp_etx_ends=False, attach_ms=300, **kw):
        self.guard_ms = guard_ms
        self.attach_ms = attach_ms
        self.guard = guard_ms / 1000
        self.limit = sockets
        self.udp_etx_ends = udp_etx_ends
        self.gen = 0  # bumped by every byte in data mode: a pending +++ is void
        self.boots = 0  # bumped at each power-on: a pending attach is void
        self._was_mapped = False
        super().__init__(*args, **kw)

    def reset(self):
        self.echo = True
        self.cmee = 0
        self.stack = False
        self.bearer = None  # None closed, "open", "up"
        self.bopts = {}
        self.socks = {}  # (proto, idx) -> Sock
        self.ports = {}  # UDP local port -> [host socket, users]
        self.cmd = bytearray()
        self.mapped = None  # the Sock the UART is mapped to
        self.mode = 0
        self.urcs = []  # held while mapped
        self.dle = False
        self.dgram = bytearray()  # a UDP datagram the host is writing
        self.plus = b""
        self.last_in = 0.0
        self.paused = set()
        self.gen += 1
        self.boots += 1

    def banner(self):
        etx = b"\x03" if self._was_mapped else b""
        self._was_mapped = False
        return etx + b"\r\n+WIND: 4\r\n"

    # -- output ---------------------------------------------------------------------
    def say(self, text):
        if self.mapped is None and self.take("garble"):
            t = bytearray(text)
            t[len(t) // 2] ^= 0x55  # one byte off: the driver must not take it for the real line
            text = bytes(t)
        self.send(b"\r\n" + text + b"\r\n")

    def urc(self, text):
        if self.mapped is not None:
            self.urcs.append(text)
        else:
            self.say(text)

    def ok(self):
        self.say(b"OK")

    def cme(self, n):
        return b"+CME ERROR: %d" % n if self.cmee else b"ERROR"

    def err(self, n):
        self.say(self.cme(n))

    def info(self, lines):
        if lines:
            self.send(b"\r\n" + b"\r\n".join(lines) + b"\r\n")
        self.ok()

    # -- input -------------------------------------------------------------------------
    def received(self, data):
        if self.mapped is not None:
            self._mapped_in(data)
        else:
            self._at_in(data)

    def _at_in(self, data):
        echo = bytearray()
        for k in range(len(data)):
            b = data[k]
            if self.echo:
                echo.append(b)
            if b == 13:
                self.send(bytes(echo))
                echo.clear()
                text = self.cmd.decode("latin-1")
                self.cmd.clear()
                self._command(text)
                if self.mapped is not None:
                    if k + 1 < len(data):
                        self._mapped_in(data[k + 1:])
                    return
            elif b in (8, 127):
                if self.cmd:
                    self.cmd.pop()
            elif b != 10 and len(self.cmd) < 1024:
                self.cmd.append(b)
        if echo:
            self.send(bytes(echo))

    def _command(self, text):
        i = text.upper().find("AT")
        if i < 0:
            return  # no command on the line: a modem waits for "AT"
        body = text[i + 2:].strip()
        up = body.upper()
        if up in ("", "Z", "&F"):
            return self.ok()
        if up in ("E", "E0", "E1"):
            self.echo = up == "E1"
            return self.ok()
        if up.startswith("+CMEE="):
            if up[6:] not in ("0", "1", "2"):
                return self.say(b"ERROR")
            self.cmee = 1 if up[6:] != "0" else 0
            return self.ok()
        fixed = {"+CMEE?": b"+CMEE: %d" % self.cmee, "+CGMI": b"WAVECOM MODEM", "I": b"WAVECOM MODEM",
                 "+CGMR": b"qpyshim WIP simulator", "+CREG?": b"+CREG: 0,1", "+WOPEN?": b"+WOPEN: 1"}
        if up in fixed:
            return self.info([fixed[up]])
        if up == "+WOPEN=1":
            return self.ok()
        for name, fn in (("+WIPCFG", self.c_wipcfg), ("+WIPBR", self.c_wipbr), ("+WIPCREATE", self.c_wipcreate),
                         ("+WIPDATA", self.c_wipdata), ("+WIPCLOSE", self.c_wipclose), ("+WIPOPT", None)):
            rest = body[len(name):]
            if up.startswith(name) and rest[:1] in ("", "=", "?"):
                if rest == "=?":
                    return self.ok()
                if fn is None:
                    return self.err(834)  # known, not simulated
                if name != "+WIPCFG" and not self.stack:
                    return self.err(803)
                if rest == "?":
                    return fn(None)
                if rest.startswith("=") and len(rest) > 1:
                    return fn(_args(rest[1:]))
                return self.err(800)
        self.malformed(text.encode("latin-1"))
        self.say(b"ERROR")

    # -- stack and bearer ---------------------------------------------------------------
    def c_wipcfg(self, a):
        if a is None:
            return self.info([b"+WIPCFG: %d" % self.stack])
        mode = _num(a[0], 0, 4)
        if mode == 1:
            if self.stack:
                return self.err(844)
            self.stack = True
            return self.ok()
        if mode == 0:
            self._close_all(announce=False)
            self.stack, self.bearer = False, None
            return self.ok()
        self.err(800 if mode is None else 834)

    def c_wipbr(self, a):
        if a is None:
            return self.info([b"+WIPBR: 6,%d" % (self.bearer == "up")] if self.bearer else [])
        cmd, bid = _num(a[0], 0, 6), _num(a[1]) if len(a) > 1 else None
        if cmd is None or bid is None:
            return self.err(800)
        if bid != 6:
            return self.err(834 if bid in BEARERS else 800)
        if cmd == 1:
            if self.bearer is not None:
                return self.err(804)
            self.bearer = "open"
            return self.ok()
        if self.bearer is None or cmd == 6:
            return self.err(803 if cmd != 6 else 834)
        if cmd == 0 or cmd == 5:
            self._close_all(announce=False)
            self.bearer = None if cmd == 0 else "open"
            return self.ok()
        opt = _num(a[2], 0, 255) if len(a) > 2 else None
        if cmd == 4:
            if opt not in (None, 0):
                return self.err(834)  # server mode is not simulated
            if self.bearer == "up":
                return self.ok()
            # OK once attached: a network takes a moment (and a driver that
            # brings a lost bearer back must not see it come back at once).
            boot = self.boots
            t = threading.Timer(self.attach_ms / 1000, lambda: self.later(lambda: self._attached(boot)))
            t.daemon = True
            t.start()
            return
        if opt is None:
            return self.err(800)
        if cmd == 2:
            if len(a) < 4:
                return self.err(800)
            self.bopts[opt] = a[3][0]
            return self.ok()
        if opt == 15:
            value = self.net.ip if self.bearer == "up" else "0.0.0.0"
        elif opt in (0, 1, 11) or opt in self.bopts:
            value = self.bopts.get(opt, "")
        else:
            return self.err(800)
        self.info([b'+WIPBR: 6,%d,"%s"' % (opt, value.encode("latin-1"))])

    def _attached(self, boot):
        if boot == self.boots and self.bearer == "open":
            self.bearer = "up"
            self.ok()
        elif boot == self.boots:
            self.err(803)  # the bearer was closed meanwhile

    # -- sockets ----------------------------------------------------------------------------
    def c_wipcreate(self, a):
        if a is None:
            out = []
            for (p, i), s in sorted(self.socks.items()):
                if s.state != "connecting":
                    ip, port = s.peer or ("0.0.0.0", 0)
                    out.append(b'+WIPCREATE: %d,%d,%d,"%s",%d' % (p, i, s.lport, ip.encode(), port))
            return self.info(out)
        if self.bearer != "up":
            return self.err(803)
        proto = _num(a[0], 0, 9)
        if proto not in (1, 2, 3):
            return self.err(834 if proto == 4 else 837)
        if proto == 3:
            return self._server(a[1:])
        need = {1: (1, 2, 4), 2: (3,)}[proto]
        if len(a) - 1 not in need:
            return self.err(800)
        idx = _num(a[1], 1, 8)
        if idx is None:
            return self.err(830)
        if (proto, idx) in self.socks or proto == 2 and idx in self._reserved():
            return self.err(831)
        if self.limit is not None and sum(1 for k in self.socks if k[0] != 3) >= self.limit:
            return self.err(838)
        if proto == 2:
            return self._tcp(idx, a[2][0], _num(a[3]))
        lport = 0 if len(a) < 3 or a[2][0] == "" else _num(a[2])
        peer = (a[3][0], _num(a[4])) if len(a) == 5 else None
        if lport is None or peer is not None and peer[1] is None:
            return self.err(800)
        self._udp(idx, lport, peer)

    def _reserved(self):
        return {i for s in self.socks.values() if s.range for i in range(s.range[0], s.range[1] + 1)}

    def _udp(self, idx, lport, peer):
        ip = None
        if peer is not None:
            try:  # a name is looked up now; an address no route reaches only drops what is sent to it
                ip = self.net.resolve(peer[0])
            except UnknownHost:
                pass
        want = None if peer is None else (ip, peer[1])
        if lport and any(s.proto == 1 and s.lport == lport and s.peer == want for s in self.socks.values()):
            return self.err(840)  # that port is taken (for that peer)
        if lport in self.ports and lport:
            entry = self.ports[lport]
            entry[1] += 1
        else:
            hs, lport = self.net.listen(lport, "udp")
            entry = self.ports[lport] = [hs, 1]
            self.watch(hs, on_read=lambda h, p=lport: self._udp_in(p))
        s = Sock(1, idx)
        s.host, s.lport = entry[0], lport
        self.socks[(1, idx)] = s
        self.ok()
        if peer is not None and ip is None:
            return self._late(s, 848)
        s.peer, s.state = want, "ready"
        self.urc(b"+WIPREADY: 1,%d" % idx)

    def _late(self, s, n):
        self._drop(s)
        self.urc(self.cme(n))

    def _tcp(self, idx, host, port):
        if port is None:
            return self.err(800)
        s = Sock(2, idx)
        self.socks[(2, idx)] = s
        self.ok()
        self.connect(host, port, lambda hs, why: self._tcp_done(s, hs, why, host, port))

    def _tcp_done(self, s, hs, why, host, port):
        if self.socks.get((2, s.idx)) is not s:
            if hs is not None:
                hs.close()  # closed while connecting
            return
        if hs is None:
            return self._late(s, LATE_ERR.get(why, 842))
        s.host, s.state = hs, "ready"
        s.peer = (self.net.resolve(host), port)
        s.lport = hs.getsockname()[1]
        self._rewatch(s)
        self.urc(b"+WIPREADY: 2,%d" % s.idx)

    def _server(self, a):
        if len(a) != 4:
            return self.err(800)
        srv, lport, lo, hi = _num(a[0], 1, 4), _num(a[1], 1), _num(a[2], 1, 8), _num(a[3], 1, 8)
        if srv is None or lo is None or hi is None or lo > hi:
            return self.err(830)
        if lport is None:
            return self.err(800)
        if (3, srv) in self.socks or self._reserved() & set(range(lo, hi + 1)):
            return self.err(831)
        if any(s.proto == 3 and s.lport == lport for s in self.socks.values()) or self.take("refuse-listen"):
            return self.err(840)
        try:
            hs, _ = self.net.listen(lport, "tcp")
        except OSError:
            return self.err(840)
        s = Sock(3, srv)
        s.host, s.lport, s.range, s.state = hs, lport, (lo, hi), "ready"
        self.socks[(3, srv)] = s
        self.watch(hs, on_read=lambda h: self._accept(s))
        self.ok()

    def c_wipclose(self, a):
        if len(a) != 2 or _num(a[0], 1, 3) is None:
            return self.err(800 if len(a) != 2 else 837)
        p, i = _num(a[0]), _num(a[1], 1, 4 if _num(a[0]) == 3 else 8)
        if i is None:
            return self.err(830)
        s = self.socks.get((p, i))
        if s is None:
            return self.err(831)
        self._drop(s)
        self.ok()
