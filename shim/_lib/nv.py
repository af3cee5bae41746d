# The board's non-volatile memory: what a QuecPython module keeps through a
# power-off outside the app's /usr (the modem's own NV items: PDP contexts,
# the USB network mode and NAT; the SIM card's PIN state, which lives on the
# card). One small JSON object of sections at the root of the board's flash
# (the port's nv_path()), which `qpyshim run --flash DIR` keeps between runs.
# Read when asked and never held, so it costs no heap between calls; without
# a flash (nv_path() None) the sections live in memory for this power-on.
import json
from .._ports import port as _p

_lock = _p.thread.allocate_lock()
_ram = {}  # the store when the board has no flash to write


def load():
    """Every section stored: {} for a new or damaged store. The caller's to
    change: without a flash it is a copy of the in-memory store."""
    path = _p.nv_path()
    if not path:
        return json.loads(json.dumps(_ram))  # never the live store: callers change what they get
    try:
        with _p.open_host(path) as f:  # outside /usr: the app's open would not reach it
            d = json.load(f)
    except (OSError, ValueError):
        return {}  # never written, or cut short: the module's defaults
    return d if isinstance(d, dict) else {}


def get(name, default=None):
    v = load().get(name)
    return default if v is None else v


def put(name, value, key=None):
    """Store one section (or, with key, one entry of a section); the rest
    stay. Written whole to a new file that then replaces the old, so a
    power cut mid-write leaves the old store."""
    path = _p.nv_path()
    with _lock:  # two threads saving at once must not lose one's change
        d = load()
        if key is not None:
            sect = d.get(name)
            sect = sect if isinstance(sect, dict) else {}
            sect[key] = value
            value = sect
        d[name] = value
        if not path:
            _ram.clear()
            _ram.update(d)
            return
        tmp = path + ".new"
        with _p.open_host(tmp, "w") as f:
            json.dump(d, f)
        _p.os.rename(tmp, path)
