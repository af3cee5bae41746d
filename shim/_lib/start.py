# shim.install()'s work, run once at boot and then dropped (shim/__init__.py):
# the heap an app starts with keeps nothing of it but what it put in place.
import sys
from .. import MODULES, LATER, _Later, _print
from .._ports import port


def run(usr, config, stack):
    import builtins

    shim = sys.modules[__name__.rsplit(".", 2)[0]]

    builtins.print = _print
    d = usr or port.usr_dir()
    if d:
        port.mount_usr(d)  # first: the modem's power-on reads /usr/datacall_config.json
    for name, mod in port.aliases.items():
        sys.modules[name] = mod
    from . import later  # at boot: its state exists before any thread asks (later.py)

    later.lock = port.thread.allocate_lock()
    later.main = port.thread.get_ident()
    for name in MODULES + LATER + port.STANDINS:
        sys.modules[name] = _Later(name)
    # `import osTimer` hands out the class itself (an app may subclass it).
    from .. import osTimer

    sys.modules["osTimer"] = osTimer.osTimer
    f = getattr(shim, "__file__", None)
    if f:  # frozen into firmware, the lazy modules are frozen top-level ones
        d = f.rsplit("/", 1)[0] if "/" in f else "."
        if d[:1] != "/" and not d.startswith(".frozen"):
            d = _anchor(shim.__name__, d)
        port.expose(d)
    if config is None:
        text = port.config_text()
        if text and '"control"' in text:  # else nothing reads it before the app's first use
            import json

            config = json.loads(text)
    shim._BOARD = (config, stack)  # shim/_lib/board.py takes it when it loads
    b = sys.modules.get(shim.__name__ + "._lib.board")
    if b:  # loaded already: a new board, powered on when first asked for
        b._b, b._args = None, shim._BOARD
    if config and isinstance(config.get("control"), dict) and config["control"]:
        try:
            from .._desktop import control
        except ImportError:  # a real board: the control channel is the desktop's
            port.stderr.write("qpyshim: control: not on this board; the config's control section is ignored\n")
        else:
            from . import board

            board.get()
            control.start()


def _anchor(pkg, d):
    # Found through '' (a board's sys.path: the current folder): an app that
    # changes folder (uos.chdir('/usr')) would lose every module not loaded
    # yet, where the module's own are built in. The package's folders, and
    # the one the lazy modules are found in, become absolute.
    cwd = port.os.getcwd().rstrip("/")
    for name in list(sys.modules):
        if name == pkg or name.startswith(pkg + "."):
            p = getattr(sys.modules[name], "__path__", None)
            if isinstance(p, str) and p[:1] != "/":
                sys.modules[name].__path__ = cwd + "/" + p
    return cwd + "/" + d if d != "." else cwd or "/"
