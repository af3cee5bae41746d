"""A Telit xE910/LE910/ME910 with the IP Easy socket commands: an AT line
(CR-terminated commands, echo on at boot, verbose `\\r\\n...\\r\\n` results,
AT+CMEE 0/1/2), PDP context 1..5 (#SGACT), six connIds (#SD, #SL/#SA,
#SH, #SS, #SI, #SLASTCLOSURE, #SSENDEXT, #SSENDUDPEXT, #SRECV, #SO), the
firewall (#FRWL), DNS (#QDNS) and online mode (CONNECT, `+++` between
guard times, NO CARRIER). Each connId is backed by a host socket on
loopback. Choices where the guides are silent are marked [U] here and in
tests/dialects/telit/test_golden.py."""

import ipaddress
import time

from ..base import Simulator
from ..net import UnknownHost
from .conn import Bad, Conn, ConnOps, norm_ip, num, string

CME = {3: "operation not allowed", 4: "operation not supported", 551: "wrong state",
       553: "context already activated", 555: "activation failed", 556: "context not opened",
       557: "can not setup socket", 558: "can not resolve DN", 559: "time-out in opening socket",
       560: "can not open socket", 562: "connection failed", 563: "tx error",
       564: "already listening", 565: "socket disconnection", 566: "can not resume socket"}
FIXED_INFO = {"+CGMI": "Telit", "+GMI": "Telit", "+CGMM": "LE910-EU V2", "+GMM": "LE910-EU V2",
              "+CGMR": "20.00.402", "+GMR": "20.00.402", "+CGSN": "356938035643809",
              "+CPIN?": "+CPIN: READY", "+CSQ": "+CSQ: 18,99"}
MAX_LINE = 400  # the LE910 V2 command-line buffer


def split_args(s):
    out, cur, quoted = [], [], False
    for ch in s:
        if ch == '"':
            quoted = not quoted
            cur.append(ch)
        elif ch == "," and not quoted:
            out.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    if quoted:
        raise Bad("unbalanced quotes")
    out.append("".join(cur).strip())
    return out


class TelitSim(ConnOps, Simulator):
    NAME = "telit"

    def __init__(self, *args, sockets=6, guard_ms=1000, firewall_default_drop=True, recover_s=1.0,
                 sring_every=False, **kw):
        self.limit = max(1, min(6, sockets))
        self.guard_ms = guard_ms
        self.default_drop = firewall_default_drop  # Telit's default: an empty list admits no one
        self.recover_s = recover_s  # after lose-context, #SGACT=1,1 fails this long
        self.sring_every = sring_every  # [U] SRING per arriving packet, not only when the buffer was empty
        self.conns = {}
        self.ports = {}
        self.esc_token = 0  # counts online input: a pending escape is void once more came
        super().__init__(*args, **kw)

    # -- power-on state ----------------------------------------------------------------
    def reset(self):
        for c in list(self.conns.values()):
            c.hold_ok = False  # nothing answers across a power cycle
            self.discard(c, reset=True)
        for ls in self.ports.values():
            self.close_host(ls)
        self.echo, self.cmee = True, 0
        self.inbuf, self.line_buf, self.overflow = bytearray(), bytearray(), False
        self.busy = False  # a command is still running (#SD): input waits
        self.need, self.need_done = 0, None  # payload bytes a prompt asked for
        self.payload = bytearray()
        self.online = None  # the Conn the UART is a pipe to
        self.held_urcs = []
        self.plus, self.last_rx = 0, 0.0
        self.conns = {i: Conn(i) for i in range(1, self.limit + 1)}
        self.closure = {i: 0 for i in self.conns}  # #SLASTCLOSURE causes
        self.scfg = {i: [1, 300, 90, 600, 50] for i in self.conns}
        self.scfgext = {i: [0, 0, 0, 0, 0] for i in self.conns}
        self.ports = {}  # modem port -> host listening socket
        self.active = set()  # active PDP contexts
        self.pdp = {1: ("IP", "")}
        self.frwl = []  # [(ip, mask)] as int pairs, in order
        self.down_until = 0.0
        self.s12 = max(1, self.guard_ms // 20)

    @property
    def guard(self):
        return self.s12 / 50

    def banner(self):
        return b""  # [U] the module prints nothing at power-on with the default settings

    # -- output --------------------------------------------------------------------------
    def frame(self, text):
        self.send(b"\r\n" + (text.encode("latin-1") if isinstance(text, str) else text) + b"\r\n")

    def final(self, text):
        data = text.encode("latin-1")
        if self.take("garble"):
            data = b"\xff" + data[1:]  # one final result the driver can't read
        self.frame(data)

    def ok(self, *info):
        if info:
            self.frame("\r\n".join(info))
        self.final("OK")

    def error(self):
        self.final("ERROR")

    def cme(self, code):
        if self.cmee == 0:
            self.final("ERROR")
        elif self.cmee == 1:
            self.final(f"+CME ERROR: {code}")
        else:
            self.final(f"+CME ERROR: {CME.get(code, code)}")

    def urc(self, text):
        if self.online is not None:
            self.held_urcs.append(text)  # the UART is a data pipe: told on leaving it
        else:
            self.frame(text)

    # -- input -----------------------------------------------------------------------------
    def received(self, data):
        if len(self.inbuf) < 65536:
            self.inbuf += data
        self.pump()

    def pump(self):
        while self.inbuf and not self.busy:
            if self.online is not None:
                data = bytes(self.inbuf)
                self.inbuf.clear()
                self.online_in(data)
            elif self.need:
                take = self.inbuf[:self.need]
                del self.inbuf[:len(take)]
                self.payload += take
                self.need -= len(take)
                if not self.need:
                    done, data = self.need_done, bytes(self.payload)
                    self.need_done, self.payload = None, bytearray()
                    done(data)
            else:
                self.command_bytes()

    def command_bytes(self):
        ends = [i for i in (self.inbuf.find(b"\r"), self.inbuf.find(b"\n")) if i >= 0]
        chunk = bytes(self.inbuf[:min(ends) + 1] if ends else self.inbuf)
        del self.inbuf[:len(chunk)]
        if self.echo:
            self.send(chunk)
        for b in chunk:
            if b in (13, 10):
                if not self.line_buf and not self.overflow:
                    continue  # the LF of a CR LF
                line, over = bytes(self.line_buf), self.overflow
                self.line_buf, self.overflow = bytearray(), False
                if over:
                    self.error()
                else:
                    self.command(line)
            elif b == 8:
                self.line_buf = self.line_buf[:-1]  # V.25ter editing
            elif len(self.line_buf) < MAX_LINE:
                self.line_buf.append(b)
            else:
                self.overflow = True

    def command(self, line):
        text = line.decode("latin-1").strip()
        if text[:2].upper() != "AT":
            return  # V.25ter: not a command line, nothing answers it
        rest = text[2:]
        try:
            if not rest:
                return self.ok()
            if rest[0] in "+#":
                return self.extended(rest)
            return self.basic(rest)
        except (Bad, ValueError, IndexError):
            self.malformed(line)
            self.error()
        except Exception as e:  # a simulator bug: still the modem's answer, and a trace for us
            import traceback

            self.errors.append(e)
            traceback.print_exc()
            self.error()

    def basic(self, rest):
        i, out = 0, []
        while i < len(rest):
            c = rest[i].upper()
            i += 1
            if c == "&":
                c += rest[i:i + 1].upper()
                i += 1
            if c == "S":
                j = i
                while i < len(rest) and rest[i].isdigit():
                    i += 1
                reg = int(rest[j:i] or "x")
                if rest[i:i + 1] == "?":
                    out.append(f"{self.s12 if reg == 12 else 0:03d}")
                    i += 1
                elif rest[i:i + 1] == "=":
                    j = i = i + 1
                    while i < len(rest) and rest[i].isdigit():
                        i += 1
                    v = int(rest[j:i] or "x")
                    if reg == 12:
                        self.s12 = max(1, min(255, v))
                continue
            j = i
            while i < len(rest) and rest[i].isdigit():
                i += 1
            n = int(rest[j:i] or "0")
            if c == "E" and n in (0, 1):
                self.echo = n == 1
            elif c == "I":
                out.append("Telit" if n == 0 else "LE910-EU V2")
            elif (c, n) in (("V", 1), ("Q", 0), ("Z", 0), ("&F", 0), ("&K", 0), ("&K", 3), ("&W", 0)):
                if c in ("Z", "&F"):
                    self.echo = True
            else:
                raise Bad(f"basic command {c}{n}")
        self.ok(*out)

    def extended(self, rest):
        j = 1
        while j < len(rest) and (rest[j].isalnum() or rest[j] == "_"):
            j += 1
        name, tail = rest[:j].upper(), rest[j:]
        if name + tail in FIXED_INFO:
            return self.ok(FIXED_INFO[name + tail])
        if name in FIXED_INFO and not tail:
            return self.ok(FIXED_INFO[name])
        handler = getattr(self, "c_" + name[1:] if name[0] == "#" else "p_" + name[1:], None)
        if handler is None:
            return self.error()
        if tail == "":
            form, args = "exec", []
        elif tail == "?":
            form, args = "read", []
        elif tail == "=?":
            return self.ok()  # [U] the ranges a module prints are not simulated
        elif tail[0] == "=":
            form, args = "set", split_args(tail[1:])
        else:
            raise Bad(tail)
        handler(form, args)

    # -- general commands ------------------------------------------------------------------
    def p_CMEE(self, form, a):
        if form == "read":
            return self.ok(f"+CMEE: {self.cmee}")
        self.cmee = num(a, 0, 0, 2, 0)
        self.ok()

    def p_CREG(self, form, a):
        if form == "read":
            return self.ok(f"+CREG: 0,{0 if time.monotonic() < self.down_until else 1}")
        num(a, 0, 0, 2, 0)
        self.ok()

    p_CGREG = p_CEREG = p_CREG

    def c_SELINT(self, form, a):
        if form == "read":
            return self.ok("#SELINT: 2")
        num(a, 0, 0, 2)
        self.ok()

    def p_CGDCONT(self, form, a):
        if form == "read":
            return self.ok(*(f'+CGDCONT: {c},"{t}","{apn}","0.0.0.0",0,0' for c, (t, apn) in sorted(self.pdp.items())))
        if form != "set":
            raise Bad(form)
        cid = num(a, 0, 1, 5)
        if len(a) == 1:
            self.pdp.pop(cid, None)
            return self.ok()
        kind = string(a, 1)
        if kind.upper() not in ("IP", "IPV6", "IPV4V6"):
            raise Bad(kind)
        self.pdp[cid] = (kind.upper(), string(a, 2, ""))
        self.ok()

    def p_CGPADDR(self, form, a):
        cids = [num(a, 0, 1, 5)] if form == "set" else sorted(self.pdp)
        self.ok(*(f'+CGPADDR: {c},"{self.net.ip if c in self.active else ""}"' for c in cids))

    def c_SGACT(self, form, a):
        if form == "read":
            return self.ok(*(f"#SGACT: {c},{1 if c in self.active else 0}" for c in sorted(set(self.pdp) | {1})))
        if form != "set":
            raise Bad(form)
        cid, stat = num(a, 0, 1, 5), num(a, 1, 0, 1)
        if stat == 0:
            if cid in self.active:
                self.deactivate(cid, 4)
            return self.ok()
        if cid in self.active:
            return self.cme(553)
        if cid not in self.pdp or time.monotonic() < self.down_until:
            return self.cme(555)
        self.active.add(cid)
        self.ok(f"#SGACT: {self.net.ip}")

    def c_QDNS(self, form, a):
        host = string(a, 0)
        if not self.active:
            return self.cme(556)
        try:
            ip = self.net.resolve(norm_ip(host))
        except (UnknownHost, ValueError):
            return self.cme(558)  # only SimNet's hosts table: no query leaves the host
        self.ok(f'#QDNS: "{host}","{ip}"')

    def c_FRWL(self, form, a):
        if form == "read":
            return self.ok(*(f'#FRWL: "{ipaddress.ip_address(i)}","{ipaddress.ip_address(m)}"' for i, m in self.frwl))
        if form != "set":
            raise Bad(form)
        action = num(a, 0, 0, 2)
        if action == 2:
            self.frwl.clear()
            return self.ok()
        try:
            entry = (int(ipaddress.IPv4Address(string(a, 1))), int(ipaddress.IPv4Address(string(a, 2))))
        except ValueError:
            raise Bad("address") from None
        if action == 1 and entry not in self.frwl:
            if len(self.frwl) >= 64:
                return self.cme(4)
            self.frwl.append(entry)
        elif action == 0:
            if entry not in self.frwl:
                return self.cme(3)
            self.frwl.remove(entry)
        self.ok()

    def admits(self, ip):
        if not self.frwl:
            return not self.default_drop
        try:
            v = int(ipaddress.IPv4Address(ip))
        except ValueError:
            return False
        return any(v & m == i & m for i, m in self.frwl)

    def c_SCFG(self, form, a):
        if form == "read":
            return self.ok(*(f"#SCFG: {i},{','.join(map(str, v))}" for i, v in self.scfg.items()))
        i = num(a, 0, 1, self.limit)
        v = [num(a, 1, 1, 5), num(a, 2, 0, 1500), num(a, 3, 0, 65535), num(a, 4, 10, 1200), num(a, 5, 0, 264)]
        self.scfg[i] = v  # [U] maxTo is kept, not enforced: no socket closes for inactivity
        self.ok()

    def c_SCFGEXT(self, form, a):
        if form == "read":
            return self.ok(*(f"#SCFGEXT: {i},{','.join(map(str, v))}" for i, v in self.scfgext.items()))
        i = num(a, 0, 1, self.limit)
        self.scfgext[i] = [num(a, 1, 0, 3), num(a, 2, 0, 1), num(a, 3, 0, 240), num(a, 4, 0, 1, 0), num(a, 5, 0, 1, 0)]
        self.ok()

    # -- faults ----------------------------------------------------------------------------
    def drop_connections(self):
        """The network resets every TCP connection (#SLASTCLOSURE 2)."""
        for c in list(self.conns.values()):
            if c.proto == 0 and c.state in (1, 2, 3):
                self.gone(c, 2)

    def lose_context(self):
        """Context 1 drops (sockets closed, cause 4); the network lets it be
        activated again after recover_s. [U] no URC says so."""
        if 1 in self.active:
            self.deactivate(1, 4)
        self.down_until = time.monotonic() + self.recover_s

    def deactivate(self, cid, cause):
        self.active.discard(cid)
        for c in list(self.conns.values()):
            if c.state and self.scfg[c.cid][0] == cid:
                self.closure[c.cid] = cause
                self.leave_online(c)
                self.discard(c, reset=True)
