# The board's config: what the virtual network and modem look like to the app.
# The host runner writes it (boards/<name>/board.json merged with the user's
# --net file); without one the shim falls back to a single loopback data call.
# The board (shim/_lib/board.py) holds it; this is the short way to a section, for
# code that runs when called (never at import: a new board has a new config).
from .._ports import port


def section(name):
    from . import board as _board

    return _board.get().section(name)


def log(msg):
    port.stderr.write("qpyshim: " + msg + "\n")


def lo(n):
    """127.B.C.n: host n of the board's loopback block (the config's
    "block", which the desktop's runner or virtual board sets; 127.0.0.n
    without one), for an address the config does not give."""
    from . import board as _board

    k = _board.get().cfg.get("block")
    k = k if isinstance(k, int) and 0 < k < 65536 else 0
    return "127.%d.%d.%d" % (k >> 8, k & 255, n)
