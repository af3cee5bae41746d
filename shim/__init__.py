# qpyshim: QuecPython's modules on stock MicroPython (and CPython).
# install() puts stand-ins for the ones whose names the interpreter already
# owns in sys.modules, the only way past MicroPython's builtin u-name aliases
# (a file called usocket.py is never loaded since 1.21), and puts this folder
# first on sys.path for the rest, so that an app pays only for the modules it
# uses: at the app's first line nothing of them is on the heap.
import sys

__version__ = "0.1.0"
PORT = None  # None: chosen from the platform; "unix", "esp32" or "cpython" to force one

# Placed in sys.modules at install, each a stand-in that loads the module at
# its first use: names the interpreter has built in (MicroPython's `websocket`
# answers to `uwebsocket`), dataCall and checkNet (the shim's own modules use
# them as shim.x: one copy), and osTimer, which QuecPython's import hands out
# as a class, not a module (that one is the class itself).
MODULES = ("_thread", "utime", "uos", "usocket", "dataCall", "checkNet", "machine", "osTimer")
# Every other top-level module here (log, net, sim, umqtt, ...) is found on
# sys.path at the app's first import of it (qpyshim/shipping.py lists them).
LATER = ("uwebsocket",)


_BOARD = (None, None)  # (config, stack) install() leaves for the board's first power-on


class _Later:
    """Stands in sys.modules for a module until the app first touches it:
    `import m` costs this object, `m.x` and `from m import x` load the module,
    which from then on is sys.modules' own; this object forwards to it."""

    def __init__(self, name):
        object.__setattr__(self, "_q", name)  # the name, then what it stands for

    def __getattr__(self, attr):
        q = self._q
        if q.__class__ is str:
            if attr[:2] == "__" and attr != "__all__":
                raise AttributeError(attr)  # CPython's import asks for __spec__, __path__: not a use
            q = self._qg()
        if attr == "__all__":  # `from m import *`: what a module's own globals would give
            return getattr(q, attr, None) or [n for n in dir(q) if n[:1] != "_"]
        return getattr(q, attr)

    def __setattr__(self, attr, v):  # utime._tz = 8: the module's
        q = self._q
        setattr(self._qg() if q.__class__ is str else q, attr, v)

    def _qg(self):
        from ._lib.later import load  # loaded at boot by install()

        return load(self)


# print() writes each argument separately, and the unix port runs threads
# without a GIL, so lines printed by two threads at once interleave mid-line.
# QuecPython apps print from many threads; one write per line keeps them
# whole. install() makes it the builtin print.
def _print(*args, sep=" ", end="\n", file=None, flush=False):
    out = file or sys.stdout
    out.write(sep.join([str(a) for a in args]) + end)
    if flush:
        out.flush()


def install(usr=None, config=None, stack=None):
    """Make QuecPython's module names importable; mount the app's /usr. The
    board (shim/_lib/board.py) is built from `config` (a dict; None: the
    port's config file) with `stack` (None: the one the config's "stack"
    section picks) and powers on when first used: at boot only when the
    config asks for the desktop's control channel."""
    from ._lib import start

    try:
        start.run(usr, config, stack)
    finally:
        # One-shot code: dropped so its bytecode leaves the heap.
        sys.modules.pop(__name__ + "._lib.start", None)
        try:
            del sys.modules[__name__ + "._lib"].start
        except (AttributeError, KeyError):
            pass
