# The board: the one object that holds what the config says the board is,
# and the port it runs on. shim.install() builds it once, after /usr is
# mounted (the modem's power-on reads /usr/datacall_config.json), and powers
# it on when something first asks for it (get()); QuecPython
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

_b = None  # the board, once powered on: a thread asking meanwhile waits for it
_booting = None  # (thread, board) while it powers on: that thread may ask for it
_lock = port.thread.allocate_lock()


class Board:
    def __init__(self, config=None, stack=None):
        if config is None:
            import json

            text = port.config_text()
            config = json.loads(text) if text else {}
            for k in ("target", "stand_ins", "board"):  # the host's: no use to hold them
                config.pop(k, None)
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


def _on(b):
    global _b, _booting
    import sys

    _b, _booting = None, (port.thread.get_ident(), b)
    from . import power as _power

    try:
        _power.run(b)
    finally:
        _booting = None
        # One-shot code: dropped so its bytecode leaves the heap.
        sys.modules.pop(__name__.rsplit(".", 1)[0] + ".power", None)
        try:
            del sys.modules[__name__.rsplit(".", 1)[0]].power
        except (AttributeError, KeyError):
            pass
    _b = b
    return b


def install(config=None, stack=None):
    """Build the board from `config` (a dict; None: the port's config) with
    `stack` (None: the one the config's "stack" section picks), power it on."""
    with _lock:
        return _on(Board(config, stack))


# What the board is built from when get() first asks: shim.install()'s
# (shim/_lib/start.py sets it again when this module is already loaded).
from .. import _BOARD as _args  # noqa: E402


def get():
    """The board, powered on at the first call: shim.install()'s, or
    without it (tests, CPython debugging) the default one."""
    b = _b
    return b if b is not None else _first()


def _first(here=False):
    bt = _booting
    if bt is not None and bt[0] == port.thread.get_ident():
        return bt[1]  # asked by what its own power-on runs
    # The power-on loads the stack, the modem and their modules: on a board,
    # from an app thread's small stack, on one with the main thread's room;
    # and under the loader's lock, as every other first load (shim/_lib/later.py).
    from . import later

    if later._small_stack(here):
        return later.aside(_first, True)
    return later.under(_power_on_once)


def _power_on_once():
    with _lock:
        return _b or _on(Board(*_args))
