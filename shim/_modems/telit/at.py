# What the Telit driver reads in the modem's lines, kept apart from the
# driver so each rule can be checked on its own: final result codes, the
# IP Easy error texts (AT+CMEE=2) and numbers (AT+CMEE=1), the data and
# listen URCs in every spelling the guides show, and the #SRECV / #SS /
# #SGACT / #QDNS answers. Every parser takes bytes and gives None for a
# line it does not recognise: garbage is never an exception. Pure: no I/O,
# no driver state (replies.py feeds the reader thread's lines through it).
from ..atline import digits, fields, ints

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

# +CME ERROR number -> errno, per kind of command (-202: the name did not resolve).
CONNECT_ERR = {558: -202, 559: 110, 561: 110, 562: 111, 556: 113, 555: 113, 551: 22, 557: 5, 560: 5}
SEND_ERR = {563: 5, 565: 104, 556: 103, 551: 107}
# (557/560 on a listen or a UDP bind: the port can't be had.)
LISTEN_ERR = {564: 98, 551: 22, 557: 98, 560: 98, 556: 113}
# #SLASTCLOSURE cause -> errno: 1 the peer's FIN (EOF), 2 a reset, 3 the
# inactivity timeout, 4 the context went down.
CLOSURE_ERR = {1: 0, 2: 104, 3: 110, 4: 103}


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
        if digits(t):
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
        if not digits(x) or int(x) > 255:
            return False
    return True
