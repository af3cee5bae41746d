"""A Telit xE910/LE910/ME910 with the IP Easy socket commands: an AT line
(CR-terminated commands, echo on at boot, verbose `\\r\\n...\\r\\n` results,
AT+CMEE 0/1/2), PDP context 1..5 (#SGACT), six connIds (#SD, #SL/#SA,
#SH, #SS, #SI, #SLASTCLOSURE, #SSENDEXT, #SSENDUDPEXT, #SRECV, #SO), the
firewall (#FRWL), DNS (#QDNS) and online mode (CONNECT, `+++` between
guard times, NO CARRIER). Each connId is backed by a host socket on
loopback. Choices where the guides are silent are marked [U] here and in
tests/dialects/telit/test_golden.py.

TelitSim holds the network side (PDP contexts, registration) and the
command dispatch, and owns its parts: the UART (uart.py), the firewall
(firewall.py) and the connIds (sockets.py, with their data path in
data.py); codec.py is the pure argument parsing."""

import time

from ..base import Simulator
from ..net import UnknownHost
from .codec import FIXED_INFO, Bad, norm_ip, num, split_args, string
from .firewall import Firewall
from .sockets import Sockets
from .uart import Uart


class TelitSim(Simulator):
    NAME = "telit"

    def __init__(self, *args, sockets=6, guard_ms=1000, firewall_default_drop=True, recover_s=1.0,
                 sring_every=False, **kw):
        self.limit = max(1, min(6, sockets))
        self.guard_ms = guard_ms
        self.default_drop = firewall_default_drop  # Telit's default: an empty list admits no one
        self.recover_s = recover_s  # after lose-context, #SGACT=1,1 fails this long
        self.sring_every = sring_every  # [U] SRING per arriving packet, not only when the buffer was empty
        self.sockets = None
        self.uart = Uart(self, guard_ms, self.command, lambda c, data: self.sockets.data.to_peer(c, data),
                         lambda c: self.sockets.suspended(c))
        super().__init__(*args, **kw)

    # -- power-on state ----------------------------------------------------------------
    def reset(self):
        if self.sockets is not None:
            self.sockets.shutdown()
        self.uart.reset()
        self.firewall = Firewall(self.uart, self.default_drop)
        self.sockets = Sockets(self, self.uart, self.firewall, self.limit, self.sring_every)
        self.active = set()  # active PDP contexts
        self.pdp = {1: ("IP", "")}
        self.down_until = 0.0

    @property
    def conns(self):
        """connId -> Conn (for tests)."""
        return self.sockets.conns

    def banner(self):
        return b""  # [U] the module prints nothing at power-on with the default settings

    def context_active(self, cid):
        return cid in self.active

    # -- input -----------------------------------------------------------------------------
    def received(self, data):
        self.uart.feed(data)

    def command(self, line):
        text = line.decode("latin-1").strip()
        if text[:2].upper() != "AT":
            return  # V.25ter: not a command line, nothing answers it
        rest = text[2:]
        try:
            if not rest:
                return self.uart.ok()
            if rest[0] in "+#":
                return self.extended(rest)
            return self.uart.basic(rest)
        except (Bad, ValueError, IndexError):
            self.malformed(line)
            self.uart.error()
        except Exception as e:  # a simulator bug: still the modem's answer, and a trace for us
            import traceback

            self.errors.append(e)
            traceback.print_exc()
            self.uart.error()

    def extended(self, rest):
        j = 1
        while j < len(rest) and (rest[j].isalnum() or rest[j] == "_"):
            j += 1
        name, tail = rest[:j].upper(), rest[j:]
        if name + tail in FIXED_INFO:
            return self.uart.ok(FIXED_INFO[name + tail])
        if name in FIXED_INFO and not tail:
            return self.uart.ok(FIXED_INFO[name])
        handler = self.handler("c_" + name[1:] if name[0] == "#" else "p_" + name[1:])
        if handler is None:
            return self.uart.error()
        if tail == "":
            form, args = "exec", []
        elif tail == "?":
            form, args = "read", []
        elif tail == "=?":
            return self.uart.ok()  # [U] the ranges a module prints are not simulated
        elif tail[0] == "=":
            form, args = "set", split_args(tail[1:])
        else:
            raise Bad(tail)
        handler(form, args)

    def handler(self, name):
        """The part that takes a command: c_NAME for #NAME, p_NAME for +NAME."""
        for part in (self, self.sockets, self.sockets.data, self.firewall):
            h = getattr(part, name, None)
            if h is not None:
                return h
        return None

    # -- general commands ------------------------------------------------------------------
    def p_CMEE(self, form, a):
        if form == "read":
            return self.uart.ok(f"+CMEE: {self.uart.cmee}")
        self.uart.cmee = num(a, 0, 0, 2, 0)
        self.uart.ok()

    def p_CREG(self, form, a):
        if form == "read":
            return self.uart.ok(f"+CREG: 0,{0 if time.monotonic() < self.down_until else 1}")
        num(a, 0, 0, 2, 0)
        self.uart.ok()

    p_CGREG = p_CEREG = p_CREG

    def c_SELINT(self, form, a):
        if form == "read":
            return self.uart.ok("#SELINT: 2")
        num(a, 0, 0, 2)
        self.uart.ok()

    def p_CGDCONT(self, form, a):
        if form == "read":
            return self.uart.ok(*(f'+CGDCONT: {c},"{t}","{apn}","0.0.0.0",0,0'
                                  for c, (t, apn) in sorted(self.pdp.items())))
        if form != "set":
            raise Bad(form)
        cid = num(a, 0, 1, 5)
        if len(a) == 1:
            self.pdp.pop(cid, None)
            return self.uart.ok()
        kind = string(a, 1)
        if kind.upper() not in ("IP", "IPV6", "IPV4V6"):
            raise Bad(kind)
        self.pdp[cid] = (kind.upper(), string(a, 2, ""))
        self.uart.ok()

    def p_CGPADDR(self, form, a):
        cids = [num(a, 0, 1, 5)] if form == "set" else sorted(self.pdp)
        self.uart.ok(*(f'+CGPADDR: {c},"{self.net.ip if c in self.active else ""}"' for c in cids))

    def c_SGACT(self, form, a):
        if form == "read":
            return self.uart.ok(*(f"#SGACT: {c},{1 if c in self.active else 0}"
                                  for c in sorted(set(self.pdp) | {1})))
        if form != "set":
            raise Bad(form)
        cid, stat = num(a, 0, 1, 5), num(a, 1, 0, 1)
        if stat == 0:
            if cid in self.active:
                self.deactivate(cid, 4)
            return self.uart.ok()
        if cid in self.active:
            return self.uart.cme(553)
        if cid not in self.pdp or time.monotonic() < self.down_until:
            return self.uart.cme(555)
        self.active.add(cid)
        self.uart.ok(f"#SGACT: {self.net.ip}")

    def c_QDNS(self, form, a):
        host = string(a, 0)
        if not self.active:
            return self.uart.cme(556)
        try:
            ip = self.net.resolve(norm_ip(host))
        except (UnknownHost, ValueError):
            return self.uart.cme(558)  # only SimNet's hosts table: no query leaves the host
        self.uart.ok(f'#QDNS: "{host}","{ip}"')

    # -- faults ----------------------------------------------------------------------------
    def drop_connections(self):
        """The network resets every TCP connection (#SLASTCLOSURE 2)."""
        self.sockets.drop_connections()

    def lose_context(self):
        """Context 1 drops (sockets closed, cause 4); the network lets it be
        activated again after recover_s. [U] no URC says so."""
        if 1 in self.active:
            self.deactivate(1, 4)
        self.down_until = time.monotonic() + self.recover_s

    def deactivate(self, cid, cause):
        self.active.discard(cid)
        self.sockets.context_lost(cid, cause)
