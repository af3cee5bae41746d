# The listener firewall, modelled on a cellular modem's AT#FRWL: a list of address/mask
# pairs; a connection to a listening socket is let in when
# (peer & mask) == (address & mask) for some entry. No list: everyone is let in,
# which is what QuecPython itself does. Outgoing connections are never checked.
from . import config as _config, board as _board


def _v4(text):
    parts = text.split(".")
    if len(parts) != 4:
        return None
    n = 0
    for p in parts:
        if not p.isdigit() or int(p) > 255:
            return None
        n = (n << 8) | int(p)
    return n


def load(board):
    """The board config's allowlist as (net, mask) pairs; [] admits all."""
    out = []
    for entry in board.section("firewall").get("allow") or ():
        ip, mask = _v4(entry[0]), _v4(entry[1])
        if ip is None or mask is None:
            _config.log("firewall: ignoring %r: expected [\"a.b.c.d\", \"mask\"]" % (entry,))
            continue
        out.append((ip & mask, mask))
    return out


def admits(ip):
    rules = _board.get().firewall
    if not rules:
        return True
    n = _v4(ip)
    if n is None:
        return False  # AT#FRWL entries are IPv4: an IPv6 peer matches none
    for net, mask in rules:
        if n & mask == net:
            return True
    return False
