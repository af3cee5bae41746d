# The board: the one object that holds what the config says the board is,
# and the port it runs on. shim.install() builds it once, after /usr is
# mounted (the modem's power-on reads /usr/datacall_config.json); QuecPython
# modules reach it through get() when they are called, never when imported,
# so a test can build a board from its own config and hand it a network
# stack of its own (as MiniMQTT takes a socket_pool).
#
# A powered-on board has: cfg (the config dict), port, net (the network
# stack, the interface in shim/_lib/stack.py), link (what stands behind
# dataCall's profile 1; None: the simulated modem), kind ("native", a modem
# dialect, or the handed stack's own kind), modem (shim/_lib/modem.py, booted from
# this config), limits (shim/_lib/limits.py), firewall (the listener allowlist),
# and what usocket asks of the stack beyond its calls: waits, own, down.
# The modem's state and the limits live in their modules for the data path's
# sake (usocket reads _modem.gone as a module global); a new board powers
# them on again from its own config, so nothing survives from the board before.
from .._ports import port

_b = None  # the board; set before it powers on, so what it starts can ask for it
_lock = port.thread.allocate_lock()


class Board:
    def __init__(self, config=None, stack=None):
        if config is None:
            import json

            text = port.config_text()
            config = json.loads(text) if text else {}
        self.cfg = config
        self.port = port
        self._stack = stack  # None: the one the config's "stack" section picks
        self._kept = {}
        self.net = self.link = self.modem = None

    def section(self, name):
        v = self.cfg.get(name)
        return v if isinstance(v, dict) else {}

    def kept(self, name, make):
        """State a module keeps for this board (make(board) on first use):
        a new board starts it afresh."""
        v = self._kept.get(name)
        if v is None:
            v = self._kept[name] = make(self)  # two threads at once: one's is kept, both equal
        return v


def _power_on(b):
    global _b
    import sys

    _b = b
    from . import power as _power

    try:
        _power.run(b)
    finally:
        # One-shot code: dropped so its bytecode leaves the heap.
        sys.modules.pop(__name__.rsplit(".", 1)[0] + ".power", None)
        try:
            del sys.modules[__name__.rsplit(".", 1)[0]].power
        except (AttributeError, KeyError):
            pass
    return b


def install(config=None, stack=None):
    """Build the board from `config` (a dict; None: the port's config) with
    `stack` (None: the one the config's "stack" section picks), power it on."""
    with _lock:
        return _power_on(Board(config, stack))


def get():
    """The board; without shim.install() (tests, CPython debugging) the
    default one, built on first use."""
    b = _b
    if b is None:
        with _lock:
            b = _b
            if b is None:
                b = _power_on(Board())
    return b
