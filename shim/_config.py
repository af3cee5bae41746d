# The board's config: what the virtual network and modem look like to the app.
# The host runner writes it (boards/<name>/board.json merged with the user's
# --net file); without one the shim falls back to a single loopback data call.
import json
from ._port import port

_text = port.config_text()
cfg = json.loads(_text) if _text else {}
del _text


def section(name):
    v = cfg.get(name)
    return v if isinstance(v, dict) else {}


def log(msg):
    port.stderr.write("qpyshim: " + msg + "\n")
