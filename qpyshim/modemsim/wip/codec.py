"""WIP text and bytes, pure: AT arguments (quoted strings, numbers) and the
DLE/ETX escaping of a mapped UART. No I/O, no state."""

DLE, ETX = 0x10, 0x03
UDP_MAX = 1500  # the modem's datagram buffer, both ways


def esc(data):
    return bytes(data).replace(b"\x10", b"\x10\x10").replace(b"\x03", b"\x10\x03")


def args(text):
    """'1,,"a,b",5' -> [('1', False), ('', False), ('a,b', True), ('5', False)]"""
    out, cur, q, quoted = [], [], False, False
    for c in text:
        if c == '"':
            q, quoted = not q, True
        elif c == "," and not q:
            out.append(("".join(cur).strip(), quoted))
            cur, quoted = [], False
        else:
            cur.append(c)
    out.append(("".join(cur).strip(), quoted))
    return out


def num(a, lo=0, hi=65535):
    text, quoted = a
    if quoted or not text.isdigit() or not lo <= int(text) <= hi:
        return None
    return int(text)
