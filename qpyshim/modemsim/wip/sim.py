"""A Sierra Wireless / Wavecom modem running the Open AT WIP IP plugin: the
AT commands +WIPCFG, +WIPBR, +WIPCREATE, +WIPDATA (the UART mapped to one
socket, continuous mode 1 with DLE/ETX escaping for UDP and TCP, transparent
mode 2 for TCP), +WIPCLOSE, and their URCs; each modem socket backed by a
host socket on loopback.

Where the WIP guides (Sierra Wireless's WIPSoft, Multi-Tech's GPRS and CDMA
AT references) are silent or disagree, this modem does:
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

WipSim holds the WIP stack and the bearer and reads the AT commands; it
owns its parts: the UART (uart.py, AT and mapped mode) and the socket
table (sockets.py, with its data path in data.py); codec.py is the pure
argument parsing and DLE/ETX escaping.
"""

import threading

from ..base import Simulator
from .codec import args, num
from .sockets import Sockets
from .uart import Uart

BEARERS = (1, 2, 4, 5, 11, 12, 13, 14, 21, 22, 23, 24)  # real bearer ids this modem does not simulate


class WipSim(Simulator):
    NAME = "wip"

    def __init__(self, *args, guard_ms=1000, sockets=None, udp_etx_ends=False, attach_ms=300, **kw):
        self.guard_ms = guard_ms
        self.attach_ms = attach_ms
        self.limit = sockets
        self.udp_etx_ends = udp_etx_ends
        self.boots = 0  # bumped at each power-on: a pending attach is void
        self._was_mapped = False
        self.uart = Uart(self, guard_ms, udp_etx_ends, self._command)
        self.sockets = Sockets(self, self.uart, sockets)
        self.uart.peer = self.sockets.data
        super().__init__(*args, **kw)

    def reset(self):
        self.uart.reset()
        self.sockets.reset()
        self.stack = False
        self.bearer = None  # None closed, "open", "up"
        self.bopts = {}
        self.boots += 1

    def banner(self):
        etx = b"\x03" if self._was_mapped else b""
        self._was_mapped = False
        return etx + b"\r\n+WIND: 4\r\n"

    def received(self, data):
        self.uart.received(data)

    def _pump_line(self):
        super()._pump_line()
        self.sockets.data.resume_paused()

    def _command(self, text):
        i = text.upper().find("AT")
        if i < 0:
            return  # no command on the line: a modem waits for "AT"
        body = text[i + 2:].strip()
        up = body.upper()
        if up in ("", "Z", "&F"):
            return self.uart.ok()
        if up in ("E", "E0", "E1"):
            self.uart.echo = up == "E1"
            return self.uart.ok()
        if up.startswith("+CMEE="):
            if up[6:] not in ("0", "1", "2"):
                return self.uart.say(b"ERROR")
            self.uart.cmee = 1 if up[6:] != "0" else 0
            return self.uart.ok()
        fixed = {"+CMEE?": b"+CMEE: %d" % self.uart.cmee, "+CGMI": b"WAVECOM MODEM", "I": b"WAVECOM MODEM",
                 "+CGMR": b"qpyshim WIP simulator", "+CREG?": b"+CREG: 0,1", "+WOPEN?": b"+WOPEN: 1"}
        if up in fixed:
            return self.uart.info([fixed[up]])
        if up == "+WOPEN=1":
            return self.uart.ok()
        for name, fn in (("+WIPCFG", self.c_wipcfg), ("+WIPBR", self.c_wipbr), ("+WIPCREATE", self.sockets.c_wipcreate),
                         ("+WIPDATA", self.sockets.c_wipdata), ("+WIPCLOSE", self.sockets.c_wipclose), ("+WIPOPT", None)):
            rest = body[len(name):]
            if up.startswith(name) and rest[:1] in ("", "=", "?"):
                if rest == "=?":
                    return self.uart.ok()
                if fn is None:
                    return self.uart.err(834)  # known, not simulated
                if name != "+WIPCFG" and not self.stack:
                    return self.uart.err(803)
                if rest == "?":
                    return fn(None)
                if rest.startswith("=") and len(rest) > 1:
                    return fn(args(rest[1:]))
                return self.uart.err(800)
        self.malformed(text.encode("latin-1"))
        self.uart.say(b"ERROR")

    # -- stack and bearer ---------------------------------------------------------------
    def c_wipcfg(self, a):
        if a is None:
            return self.uart.info([b"+WIPCFG: %d" % self.stack])
        mode = num(a[0], 0, 4)
        if mode == 1:
            if self.stack:
                return self.uart.err(844)
            self.stack = True
            return self.uart.ok()
        if mode == 0:
            self.sockets.close_all()
            self.stack, self.bearer = False, None
            return self.uart.ok()
        self.uart.err(800 if mode is None else 834)

    def c_wipbr(self, a):
        if a is None:
            return self.uart.info([b"+WIPBR: 6,%d" % (self.bearer == "up")] if self.bearer else [])
        cmd, bid = num(a[0], 0, 6), num(a[1]) if len(a) > 1 else None
        if cmd is None or bid is None:
            return self.uart.err(800)
        if bid != 6:
            return self.uart.err(834 if bid in BEARERS else 800)
        if cmd == 1:
            if self.bearer is not None:
                return self.uart.err(804)
            self.bearer = "open"
            return self.uart.ok()
        if self.bearer is None or cmd == 6:
            return self.uart.err(803 if cmd != 6 else 834)
        if cmd == 0 or cmd == 5:
            self.sockets.close_all()
            self.bearer = None if cmd == 0 else "open"
            return self.uart.ok()
        opt = num(a[2], 0, 255) if len(a) > 2 else None
        if cmd == 4:
            if opt not in (None, 0):
                return self.uart.err(834)  # server mode is not simulated
            if self.bearer == "up":
                return self.uart.ok()
            # OK once attached: a network takes a moment (and a driver that
            # brings a lost bearer back must not see it come back at once).
            boot = self.boots
            t = threading.Timer(self.attach_ms / 1000, lambda: self.later(lambda: self._attached(boot)))
            t.daemon = True
            t.start()
            return
        if opt is None:
            return self.uart.err(800)
        if cmd == 2:
            if len(a) < 4:
                return self.uart.err(800)
            self.bopts[opt] = a[3][0]
            return self.uart.ok()
        if opt == 15:
            value = self.net.ip if self.bearer == "up" else "0.0.0.0"
        elif opt in (0, 1, 11) or opt in self.bopts:
            value = self.bopts.get(opt, "")
        else:
            return self.uart.err(800)
        self.uart.info([b'+WIPBR: 6,%d,"%s"' % (opt, value.encode("latin-1"))])

    def _attached(self, boot):
        if boot == self.boots and self.bearer == "open":
            self.bearer = "up"
            self.uart.ok()
        elif boot == self.boots:
            self.uart.err(803)  # the bearer was closed meanwhile

    # -- faults -----------------------------------------------------------------------------
    def drop_connections(self):
        self.sockets.drop_connections()

    def lose_context(self):
        if self.bearer != "up":
            return
        was = self.uart.mapped
        self.sockets.close_all()
        self.bearer = "open"
        if was is not None:
            self.uart.end_session(b"+WIPBR: 6,0")
        else:
            self.uart.say(b"+WIPBR: 6,0")

    def restart(self):
        self._was_mapped = self.uart.mapped is not None and self.uart.mode == 1
        self.sockets.close_all()
        super().restart()
