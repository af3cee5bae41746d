# The listener firewall, modelled on a cellular modem's AT#FRWL: a list of address/mask
# pairs; a connection to a listening socket is let in when
# (peer & mask) == (address & mask) for some entry. No list: everyone is let in,
# which is what QuecPython itself does. Outgoing connections are never checked.
# The board reads the list from its config when it powers on (shim/_lib/power.py).
from . import board as _board


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
