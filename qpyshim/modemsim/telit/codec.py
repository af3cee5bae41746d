"""Telit AT text, pure: command-line arguments (numbers, strings, dotted
quads) and the fixed texts the module answers with. No I/O, no state."""

CME = {3: "operation not allowed", 4: "operation not supported", 551: "wrong state",
       553: "context already activated", 555: "activation failed", 556: "context not opened",
       557: "can not setup socket", 558: "can not resolve DN", 559: "time-out in opening socket",
       560: "can not open socket", 562: "connection failed", 563: "tx error",
       564: "already listening", 565: "socket disconnection", 566: "can not resume socket"}
FIXED_INFO = {"+CGMI": "Telit", "+GMI": "Telit", "+CGMM": "LE910-EU V2", "+GMM": "LE910-EU V2",
              "+CGMR": "20.00.402", "+GMR": "20.00.402", "+CGSN": "356938035643809",
              "+CPIN?": "+CPIN: READY", "+CSQ": "+CSQ: 18,99"}
MAX_LINE = 400  # the LE910 V2 command-line buffer


class Bad(Exception):
    """A malformed or out-of-range parameter: the modem answers ERROR."""


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


def num(args, i, lo, hi, default=None):
    """Parameter i as a number in lo..hi; a quoted number is taken too
    (the "IP Sockets Overview" note writes `AT#SL=1,1,"Port Number"`)."""
    a = args[i] if i < len(args) else ""
    if len(a) >= 2 and a[0] == a[-1] == '"':
        a = a[1:-1].strip()
    if a == "":
        if default is None:
            raise Bad(f"parameter {i + 1} missing")
        return default
    if not a.isdigit() or not lo <= int(a) <= hi:
        raise Bad(f"parameter {i + 1}: {a!r}")
    return int(a)


def string(args, i, default=None):
    a = args[i] if i < len(args) else ""
    if len(a) >= 2 and a[0] == a[-1] == '"':
        return a[1:-1]
    if a == "" and default is not None:
        return default
    if a == "" or '"' in a:
        raise Bad(f"parameter {i + 1}: {a!r}")
    return a


def norm_ip(host):
    """Dotted quads lose their leading zeros (the "IP Sockets Overview"
    note dials "080.080.080.081"); anything else is a name."""
    parts = host.split(".")
    if len(parts) == 4 and all(p.isdigit() and int(p) < 256 for p in parts):
        return ".".join(str(int(p)) for p in parts)
    return host
