# qpyshim: QuecPython's modules on stock MicroPython (and CPython).
# install() puts the ones whose names the interpreter already owns in
# sys.modules, the only way past MicroPython's builtin u-name aliases (a file
# called usocket.py is never loaded since 1.21), and puts this folder first on
# sys.path for the rest, so that an app pays only for the modules it imports.
__version__ = "0.1.0"
PORT = None  # None: chosen from the platform; "unix", "esp32" or "cpython" to force one

# Loaded at install: names the interpreter has built in, and osTimer, which
# QuecPython's import hands out as a class, not a module.
MODULES = ("_thread", "utime", "uos", "usocket", "dataCall", "checkNet", "machine", "osTimer")
# Found on sys.path when the app imports them.
LAZY = ("log", "ethernet", "net", "sim", "modem", "misc", "queue", "sys_bus", "ql_fs",
        "example", "ntptime", "umqtt", "request", "ussl", "aLiYun", "TenCentYun")
# Names the interpreter has built in (MicroPython's `websocket` answers to
# `uwebsocket`) whose shim modules load only when an app first uses them.
LATER = ("uwebsocket",)


class _Later:
    """Stands in sys.modules for a module until the app first touches it:
    `import m` costs this object, `m.x` and `from m import x` load the module."""

    def __init__(self, name):
        import _thread

        self._name = name
        self._mod = None
        self._lock = _thread.allocate_lock()

    def __getattr__(self, attr):
        if attr[:2] == "__" and attr != "__all__":
            raise AttributeError(attr)  # CPython's import asks for __spec__, __path__: not a use
        with self._lock:
            if self._mod is None:
                import sys

                __import__("shim." + self._name)
                self._mod = getattr(sys.modules["shim"], self._name)
                sys.modules[self._name] = self._mod
        return getattr(self._mod, attr)


def install(usr=None, config=None, stack=None):
    """Make QuecPython's module names importable; mount the app's /usr first.
    Then build the board (shim/_lib/board.py) from `config` (a dict; None: the
    port's config file) with `stack` (None: the one the config's "stack"
    section picks), and power it on."""
    import sys
    from ._ports import port
    from ._lib import board as _board

    from ._lib import console as _console

    _console.install()
    d = usr or port.usr_dir()
    if d:
        port.mount_usr(d)
    board = _board.install(config, stack)  # after the mount: the modem reads /usr/datacall_config.json
    for name, mod in port.aliases.items():
        sys.modules[name] = mod
    for name in MODULES:
        __import__("shim." + name)
        sys.modules[name] = getattr(sys.modules["shim"], name)
    sys.modules["osTimer"] = sys.modules["osTimer"].osTimer
    for name in LATER:
        sys.modules[name] = _Later(name)
    f = globals().get("__file__")
    if f:  # frozen into firmware, the lazy modules are frozen top-level ones
        port.expose(f.rsplit("/", 1)[0] if "/" in f else ".", LAZY)
    if board.section("control"):
        try:
            from ._desktop import control as _control
        except ImportError:  # a real board: the control channel is the desktop's
            from ._lib import config as _config

            _config.log("control: not on this board; the config's control section is ignored")
        else:
            _control.start()
