# qpyshim: QuecPython's modules on stock MicroPython (and CPython).
# install() puts them in sys.modules, the only way past MicroPython's builtin
# u-name aliases (a file called usocket.py is never loaded since 1.21).
__version__ = "0.1.0"
PORT = None  # None: chosen from the platform; "unix", "esp32" or "cpython" to force one

MODULES = ("_thread", "utime", "uos", "usocket", "dataCall", "checkNet", "log", "ethernet", "machine")


def install(usr=None):
    """Make QuecPython's module names importable; mount the app's /usr first."""
    import sys
    from ._port import port

    from . import _console

    _console.install()
    d = usr or port.usr_dir()
    if d:
        port.mount_usr(d)
    for name, mod in port.aliases.items():
        sys.modules[name] = mod
    for name in MODULES:
        __import__("shim." + name)
        sys.modules[name] = getattr(sys.modules["shim"], name)
    from . import _config

    if _config.section("control"):
        try:
            from . import _control
        except ImportError:  # a real board: the control channel is the desktop's
            _config.log("control: not on this board; the config's control section is ignored")
        else:
            _control.start()
