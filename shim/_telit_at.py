# What the Telit driver reads in the modem's lines, kept apart from the
# driver so each rule can be checked on its own: final result codes, the
# IP Easy error texts (AT+CMEE=2) and numbers (AT+CMEE=1), the data and
# listen URCs in every spelling the guides show, and the #SRECV / #SS /
# #SGACT / #QDNS answers. Every parser takes bytes and gives None for a
# line it does not recognise: garbage is never an exception. Reader is
# the driver's half that the reader thread runs (shim/_telit.py).
from ._atline import fields, ints
from ._mcore import CLOSED

# +CME ERROR texts (Telit 80617ST10991A §3.2.2.1, via gammu's table) and
# the 3GPP ones a socket command can give.
ERRORS = {
    "operation not allowed": 3, "operation not supported": 4, "incorrect parameters": 50,
    "unknown": 100, "generic undocumented error": 550, "wrong state": 551, "wrong mode": 552,
    "context already activated": 553, "stack already active": 554, "activation failed": 555,
    "context not opened": 556, "can not setup socket": 557, "can not resolve dn": 558,
    "time-out in opening socket": 559, "can not open socket": 560,
    "remote disconnected or time-out": 561, "connection failed": 562, "tx error": 563,
    "already listening": 564, "socket disconnection": 565, "can not resume socket": 566,
    "ip version incompatible": 567, "ipv6 not enabled": 568,
}

PLAIN = -1  # a bare ERROR (AT+CMEE=0, or a malformed command)


def text(line):
    """The line as str, or None when it is not ASCII (a garbled line)."""
    try:
        return bytes(line).decode()
    except Exception:
        return None


def final(line):
    """A final result code's value: 0 OK/CONNECT, PLAIN for ERROR, the
    CME number (looked up for a text), 0x10000 for an unknown CME text,
    -2 for NO CARRIER; None when the line is not a final result."""
    if line == b"OK":
        return 0
    if line == b"ERROR":
        return PLAIN
    if line[:7] == b"CONNECT":
        return 0
    if line == b"NO CARRIER":
        return -2
    if line[:11] == b"+CME ERROR:" or line[:11] == b"+CMS ERROR:":
        t = text(line[11:])
        if t is None:
            return 0x10000
        t = t.strip()
        if t.isdigit():
            return int(t)
        return ERRORS.get(t.lower(), 0x10000)
    return None


def sring(line):
    """(connId, bytes or None) for a data or listen URC: `SRING: 1,5`,
    `SRING : 1`, `+SRING : 1`, `SRING:1`, srMode 2 (`1,5,data`) and 3
    (`ip,port,1,5,left,data`). None for any other line."""
    if line[:1] == b"+":
        line = line[1:]
    if line[:5] != b"SRING":
        return None
    t = text(line[5:])
    if t is None:
        return None
    t = t.strip()
    if t[:1] != ":":
        return None
    f = fields(t[1:])
    if len(f) >= 5 and "." in f[0]:  # srMode 3: the UDP source first
        f = f[2:4]
    n = ints(f[:2])
    if n is None or not 0 < n[0] < 100:
        return None
    if len(n) == 1:
        return n[0], None
    return n[0], n[1]


def srecv(line):
    """(connId, n, (ip, port) or None, left) from `#SRECV: 1,5` or, with
    UDP info, `#SRECV: 10.0.0.1,7,1,5,0`; None when malformed."""
    if line[:7] != b"#SRECV:":
        return None
    t = text(line[7:])
    if t is None:
        return None
    f = fields(t)
    if len(f) == 2:
        n = ints(f)
        return None if n is None else (n[0], n[1], None, 0)
    if len(f) == 5:
        n = ints(f[1:])
        if n is None or not dotted(f[0]):
            return None
        return n[1], n[2], (f[0], n[0]), n[3]
    return None


def ss(line):
    """(connId, state, remote (ip, port) or None) from an #SS line."""
    if line[:4] != b"#SS:":
        return None
    t = text(line[4:])
    if t is None:
        return None
    f = fields(t)
    n = ints(f[:2])
    if n is None or len(n) < 2:
        return None
    peer = None
    if len(f) >= 6:
        p = ints(f[5:6])
        if p is not None and dotted(f[4]):
            peer = (f[4], p[0])
    return n[0], n[1], peer


def info(lines, prefix):
    """The fields after `prefix` in the first line that has it."""
    k = len(prefix)
    for ln in lines:
        if ln[:k] == prefix:
            t = text(ln[k:])
            if t is not None:
                return fields(t)
    return None


def sgact(lines):
    """Whether context 1 is active, from `#SGACT: <cid>,<stat>` lines."""
    for ln in lines:
        if ln[:7] == b"#SGACT:":
            t = text(ln[7:])
            n = ints(fields(t)) if t is not None else None
            if n is not None and len(n) == 2 and n[0] == 1:
                return n[1] == 1
    return False


def dotted(s):
    p = s.split(".")
    if len(p) != 4:
        return False
    for x in p:
        if not x.isdigit() or int(x) > 255:
            return False
    return True


class Reader:
    """Telit's reader-thread half: lines, the `> ` prompt and counted
    #SRECV payloads to the command in flight, URCs to the sockets. It
    only reads and records; commands are the app threads' business."""

    def parse(self, data):
        to = self.rx_to
        if self.at.raw is not None and (not self.waiting or to is None or to[3] != self.gen):
            self.at.reset()  # a payload whose command gave up waiting: read lines again
            self.rx_to = None
        self.at.feed(data)

    def resync(self):
        self.at.reset()
        self.rx_to = None

    def _line(self, line):
        if line == b"> ":
            if self.waiting and self.want_prompt:
                self.prompted = True
                self.done.wake()
            return
        line = line.strip()
        if not line:
            return
        u = sring(line)
        if u is not None:
            # Data (srMode 1 gives the count) or, on a listener, a connection
            # waiting for #SA: either way an app thread waiting on it acts.
            s = self.find(u[0])
            if s is not None:
                s.pending = u[1] or 1
                s.ev.wake()
            return
        if final(line) is not None:
            if self.waiting:
                s = self.rx_sock
                if s is not None and not self.rx_hdr:
                    s.pending = 0  # #SRECV found nothing; set here, before any later SRING
                self.answer(line)
            return
        if self.rx_sock is not None and line[:7] == b"#SRECV:":
            self._header(line)
            return
        if line[:6] == b"#SKTL:" or line[:5] == b"#SL: ":
            self.tick.wake()  # a listener aborted by the network: check the context
            return
        if self.waiting:
            if line == self.cmd:
                if self.inited:  # echo is back on: the modem restarted
                    self.need_init = True
                    self.tick.wake()
                return
            if len(self.lines) < 16:
                self.lines.append(line)

    def _header(self, line):
        h = srecv(line)
        s = self.rx_sock
        if h is None or self.rx_hdr or h[0] != s.id or not 0 <= h[1] <= self.MAX:
            return
        self.rx_hdr = True
        n = h[1]
        self.rx_to = (s, h[2] or s.peer, n, self.gen)
        # More may wait: a full read (TCP) or the rest of a datagram (UDP).
        s.pending = (1 if h[3] > 0 else 0) if s.type == 2 else (1 if n >= self.MAX else 0)
        # The header's CR LF: AtReader ends the line at CR, so the LF comes
        # first; one more byte is taken and dropped in _raw.
        self.at.expect_raw(n + 1)

    def _raw(self, data):
        to = self.rx_to
        self.rx_to = None
        if to is None:
            return
        s, addr, n = to[0], to[1], to[2]
        data = data[1:] if data[:1] == b"\n" else data[:n]
        if not data or s.st == CLOSED:
            return
        if s.type == 2:
            s.datagram(data, addr)
        else:
            s.feed(data)

