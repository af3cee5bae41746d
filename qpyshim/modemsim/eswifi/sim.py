"""An Inventek eS-WiFi module (ISM43362 / ISM43340) on its UART: two-letter
commands ended by CR (CR LF tolerated; no echo), replies
`\\r\\n<body>\\r\\nOK\\r\\n> ` or `\\r\\n<error>\\r\\n> `, the Wi-Fi join (C0..C4,
CD, CS, C?), DNS (D0), four transport register sets selected by P0, S3/S0
sends, R0 reads that wait up to R2 ms, the multi-accept TCP server of the
vendor note (P5=11 / P5=10 / P5=0 with its `[TCP SVR]`/`[TCP TSK]` lines),
UDP clients and servers. Every socket is backed by a host socket on loopback.

Choices where the module's behaviour is not documented (notes §7.4):
* the informational lines print ASCII "..." (seed 001 shows "…", the web
  page's typography);
* async lines (`\\r\\n[TCP SVR] Accepted a.b.c.d:port\\r\\n> `) never cut into a
  reply: while a command runs (R0 waiting, a connect) they are held;
* a connection the peer closed answers R0/S3 with `-1` + `ERROR` (the note:
  "connection lost"), one reset (RST, the drop fault) with `-1` +
  `ERROR: Connection reset`; buffered data is read first;
* errors are `\\r\\nERROR: <why>\\r\\n> ` (with a `Usage:` line for a bad
  parameter), the join failure as the notes quote it; S3/R1 beyond 1460
  bytes are refused (S3's bytes are then not read: they are not announced);
* R2 defaults to 1000 ms, P0 to socket 0; P7, TLS and MQTT are not simulated.
"""

import socket
import threading
import time

from ..base import Simulator
from ..net import UnknownHost, Unreachable

from .replies import IDLE, MAX_DATA, OUT_CAP, PROMPT, SERVER, _num, fail, ok, usage
from .sockets import SocketCommands


def _field(attr, lo, hi, text):
    """A command that sets one number of the selected socket's registers."""
    def h(self, arg):
        v = _num(arg or "", lo, hi)
        if v is None:
            return usage(text)
        setattr(self._cur(), attr, v)
        return ok()
    return h


def _wifi(name, check):
    """A command that sets one of the join settings (C1..C4)."""
    def h(self, arg):
        if arg is None or not check(arg):
            return usage(f"{name}=<value>")
        self.wifi[name] = arg
        return ok()
    return h


class Sock:
    """One transport register set and the connection behind it."""

    def __init__(self):
        self.proto, self.lport, self.rip, self.rport = 0, 0, "0.0.0.0", 0
        self.backlog, self.r1, self.r2, self.s1 = 1, MAX_DATA, 1000, 0
        self.role = IDLE
        self.multi = False  # P5=11
        self.host = None  # a client's socket, a UDP socket, or a server's current client
        self.lsock = None  # a TCP server's listening socket
        self.rx = bytearray()
        self.dgrams = []  # [(data, (ip, port))]
        self.out = bytearray()  # bytes the host socket has not taken yet
        self.end = None  # None, "fin" or "reset": how the connection ended


class EsWifiSim(SocketCommands, Simulator):
    NAME = "eswifi"

    def __init__(self, *args, sockets=4, ssid=None, password=None, recover_s=1.0, **kw):
        self.limit = sockets
        self.want_ssid = ssid  # None: any network joins
        self.want_password = password
        self.recover_s = recover_s  # after lose-context the access point is out of reach this long
        self.ap_back = 0.0
        self.block_id = 0
        super().__init__(*args, **kw)

    def reset(self):
        self.inbuf = bytearray()
        self.socks = [Sock() for _ in range(self.limit)]
        self.p0 = 0
        self.wifi = {"C1": "", "C2": "", "C3": "0", "C4": "1"}
        self.joined = False
        self.blocked = None  # the running command: check(expired) -> its reply, or None
        self.block_id += 1  # a timer of a command from before is stale
        self.need = None  # (sock, n): S3/S0 bytes still to read
        self.held = []  # async messages for after the running command

    def banner(self):
        return PROMPT

    # -- the line ------------------------------------------------------------------------
    def received(self, data):
        self.inbuf += data
        if len(self.inbuf) > 65536:
            del self.inbuf[:-4096]  # a flood nobody reads as commands
        self._run()

    def _run(self):
        while self.blocked is None:
            if self.need:
                s, n = self.need
                if len(self.inbuf) < n:
                    return
                data = bytes(self.inbuf[:n])
                del self.inbuf[:n]
                self.need = None
                out = self._send(s, data)
                if out is not None:
                    self._reply(out)
                continue
            ends = [k for k in (self.inbuf.find(b"\r"), self.inbuf.find(b"\n")) if k >= 0]
            k = min(ends) if ends else -1
            if k < 0:
                if len(self.inbuf) > 1024:
                    self.inbuf.clear()
                    self._reply(fail(b"ERROR: Command too long"))
                return
            line = bytes(self.inbuf[:k]).decode("latin-1")
            del self.inbuf[:k + 1]
            if line:  # an empty line (the LF of CR LF) is no command
                out = self._command(line)
                if out is not None:
                    self._reply(out)

    def _reply(self, data):
        if self.take("garble"):
            i = data.rfind(b"OK\r\n> ")
            i = i + 1 if i >= 0 else data.rfind(b"ERROR") + 2
            data = data[:i] + bytes([data[i] ^ 0x55]) + data[i + 1:]
        self.send(data)
        for m in self.held:
            self.send(m)
        self.held.clear()

    def _async(self, text):
        msg = b"\r\n" + text + PROMPT
        if self.blocked is not None or self.need:
            self.held.append(msg)
        else:
            self.send(msg)

    def _block(self, check, ms=None):
        """The command waits (the module reads no further command) until
        check(expired) gives its reply; expired after ms."""
        self.block_id += 1
        self.blocked = check
        if ms is not None:
            bid = self.block_id
            t = threading.Timer(ms / 1000, lambda: self.later(lambda: self._kick(bid)))
            t.daemon = True
            t.start()
        self._kick()

    def _kick(self, expired_id=None):
        if self.blocked is None:
            return
        out = self.blocked(expired_id == self.block_id)
        if out is not None:
            self.blocked = None
            self._reply(out)
            self._run()

    # -- commands --------------------------------------------------------------------------
    def _command(self, line):
        name, eq, arg = line[:2], line[2:3], line[3:]
        h = self.COMMANDS.get(name)
        if h is None or eq not in ("", "="):
            self.malformed(line.encode("latin-1"))
            return fail(b"ERROR: Unknown command")
        return h(self, arg if eq else None)

    def _cur(self):
        return self.socks[self.p0]

    def c_p0(self, arg):
        if arg is None:
            return ok(str(self.p0).encode())
        n = _num(arg, 0, self.limit - 1)
        if n is None:
            return usage(f"P0=<0-{self.limit - 1}>")
        self.p0 = n
        return ok()

    def c_p3(self, arg):
        try:
            socket.inet_aton(arg or "")
            assert (arg or "").count(".") == 3
        except (OSError, AssertionError):
            return usage("P3=<a.b.c.d>")
        self._cur().rip = arg
        return ok()

    def c_pk(self, arg):
        p = (arg or "").split(",")
        if len(p) != 2 or _num(p[0], 0, 1) is None or _num(p[1], 0, 7200000) is None:
            return usage("PK=<0|1>,<ms>")
        return ok()

    def c_pq(self, arg):
        s = self._cur()
        tcp_srv = s.role == SERVER and s.proto == 0
        udp_srv = s.role == SERVER and s.proto == 1
        line = (f"{s.proto},{self.net.ip if self.joined else '0.0.0.0'},{s.lport},{s.rip},{s.rport},"
                f"{int(tcp_srv)},{int(udp_srv)},{s.backlog},{int(s.multi)},0")
        return ok(line.encode())

    def c_s2(self, arg):
        return ok() if _num(arg or "", 0, 600000) is not None else usage("S2=<ms>")

    def c_s0(self, arg):
        return self._start_send(self._cur().s1)

    def c_s3(self, arg):
        n = _num(arg or "", 1, MAX_DATA)
        if n is None:
            return usage(f"S3=<1-{MAX_DATA}><CR><data>")
        return self._start_send(n)

    def _start_send(self, n):
        if not n:
            return usage("S1=<len> first")
        self.need = (self._cur(), n)
        return None

    def _send(self, s, data):
        sent = ok(str(len(data)).encode())
        if s.proto == 1:
            if s.host is None:
                return fail(b"-1", b"ERROR")
            try:
                s.host.sendto(data, self.net.route(s.rip, s.rport, "udp"))
            except (Unreachable, ValueError, OSError) as e:  # never leaves the host
                if self.log:
                    self.log.write(f"eswifi: datagram to {s.rip}:{s.rport} dropped ({e})\n")
            return sent
        if s.end or s.host is None:
            return self._gone(s)
        s.out += data
        self._flush(s)
        if len(s.out) <= OUT_CAP:
            return sent
        self._block(lambda expired: sent if len(s.out) <= OUT_CAP else (self._gone(s) if s.end else None))
        return None

    def _gone(self, s):
        return fail(b"-1", b"ERROR: Connection reset" if s.end == "reset" else b"ERROR")

    def c_r0(self, arg):
        s = self._cur()
        self._block(lambda expired: self._read(s, expired), s.r2)
        return None

    def _read(self, s, expired):
        if s.rx:
            data = bytes(s.rx[:s.r1])
            del s.rx[:len(data)]
            self._arm(s)
            return ok(data)
        if s.dgrams:
            data, (s.rip, s.rport) = s.dgrams.pop(0)  # P? (and the next S3) name the sender
            return ok(data[:s.r1])
        if s.end or s.host is None:
            return self._gone(s)
        return ok(b"") if expired else None

    # -- Wi-Fi -----------------------------------------------------------------------------------
    def c_c0(self, arg):
        w = self.wifi
        if not w["C1"] or (self.want_ssid is not None and w["C1"] != self.want_ssid) or (
                self.want_password is not None and w["C2"] != self.want_password) or time.monotonic() < self.ap_back:
            return fail(b"[JOIN   ] Failed", b"ERROR: Unknown Error", b"Usage: C0")
        self.joined = True
        return ok(f"[JOIN   ] {w['C1']},{self.net.ip},0,0".encode())

    def c_cd(self, arg):
        self.joined = False
        self._teardown()
        return ok()

    def c_cs(self, arg):
        return ok(b"1" if self.joined else b"0")

    def c_cq(self, arg):
        w, ip = self.wifi, self.net.ip if self.joined else "0.0.0.0"
        return ok(f"{w['C1']},{w['C2']},{w['C3']},{w['C4']},0,{ip},255.0.0.0,{ip},{ip},0.0.0.0,5,0".encode())

    def c_d0(self, arg):
        if not self.joined:
            return fail(b"ERROR: Not joined to a network")
        try:
            return ok(self.net.resolve(arg or "").encode())
        except (UnknownHost, ValueError):
            return fail(b"ERROR: Host not found")

    def c_iq(self, arg):
        return ok(b"ISM43362-M3G-L44-UART,C3.5.2.5.STM,v3.5.2,v1.4.0.rc1,v8.2.1,120000000,Inventek eS-WiFi")

    def c_z5(self, arg):
        return ok(b"C4:7F:51:00:00:01")

    def c_mr(self, arg):
        return ok(b"")  # on the UART async messages are printed as they happen

    # -- transport ---------------------------------------------------------------------------------
    def drop_connections(self):
        for s in self.socks:
            if s.proto == 0 and s.host is not None:
                self._drop_client(s, reset=True)
                s.end = "reset"
        self._kick()

    def _release(self, reset):
        # Host sockets not watched just now (a listener while its client is
        # served, a connection R0 has not caught up with) are the module's to close.
        for s in self.socks:
            for h in (s.host, s.lsock):
                if h is not None:
                    self.close_host(h, reset=reset)
            s.host = s.lsock = None

    def restart(self):
        self._release(True)
        super().restart()

    def stop(self):
        super().stop()
        self._release(False)

    def lose_context(self):
        self.joined = False  # the access point went: so did every connection
        self.ap_back = time.monotonic() + self.recover_s
        self._teardown()

    COMMANDS = {
        "P0": c_p0, "P1": _field("proto", 0, 1, "P1=<0 TCP|1 UDP>"), "P2": _field("lport", 0, 65535, "P2=<port>"),
        "P3": c_p3, "P4": _field("rport", 0, 65535, "P4=<port>"), "P5": SocketCommands.c_p5, "P6": SocketCommands.c_p6,
        "P8": _field("backlog", 0, 6, "P8=<0-6>"), "PK": c_pk, "P?": c_pq,
        "R0": c_r0, "R1": _field("r1", 1, MAX_DATA, f"R1=<1-{MAX_DATA}>"), "R2": _field("r2", 0, 600000, "R2=<ms>"),
        "S0": c_s0, "S1": _field("s1", 1, MAX_DATA, f"S1=<1-{MAX_DATA}>"), "S2": c_s2, "S3": c_s3,
        "C0": c_c0, "C1": _wifi("C1", lambda a: 0 < len(a) <= 32), "C2": _wifi("C2", lambda a: len(a) <= 63),
        "C3": _wifi("C3", lambda a: a in ("0", "1", "2", "3", "4")), "C4": _wifi("C4", lambda a: a in ("0", "1")),
        "CD": c_cd, "CS": c_cs, "C?": c_cq, "D0": c_d0, "I?": c_iq, "Z5": c_z5, "MR": c_mr,
    }
