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
