# Imports every module of the shim with the config out of reach: the board
# accessor and the port's config_text() raise. A module that reads its config
# (or picks its network stack) at import fails here. One line per module:
#   ok NAME | config NAME | skip NAME WHY (cannot load on this interpreter)
# Run directly by micropython and CPython (tests/test_no_import_config.py);
# `--esp32` (micropython): the ESP32 port, over tests/esp32's stand-ins.
import os
import sys

_f = __file__ if __file__[:1] == "/" else os.getcwd() + "/" + __file__
ROOT = _f.rsplit("/", 3)[0]  # the repository: the shim package
sys.path.insert(0, ROOT)


class ConfigAtImport(Exception):
    pass


def refuse(*a, **kw):
    raise ConfigAtImport()


if "--esp32" in sys.argv:
    sys.path.insert(0, ROOT + "/tests/esp32")
    import esp32_socket
    import esp32_machine
    import network  # noqa: F401  the stand-in

    sys.modules["socket"] = esp32_socket
    sys.modules["machine"] = esp32_machine

import shim  # noqa: E402

if "--esp32" in sys.argv:
    shim.PORT = "esp32"
from shim._ports import port  # noqa: E402
from shim._lib import board as _board  # noqa: E402

port.config_text = refuse
_board.get = _board.install = refuse
_board.Board = refuse


def modules(pkg, path):
    out = []
    for name in sorted(os.listdir(path)):
        full = path + "/" + name
        if name.endswith(".py"):
            out.append(pkg if name == "__init__.py" else pkg + "." + name[:-3])
        elif name != "__pycache__" and "." not in name:
            try:
                os.stat(full + "/__init__.py")
            except OSError:
                continue
            out.extend(modules(pkg + "." + name, full))
    return out


def load(name):
    try:
        __import__(name)
    except ConfigAtImport:
        return "config"
    except BaseException as e:  # an interpreter without the module's needs (esp32, termios)
        return "skip %r" % (e,)
    return "ok"


# QuecPython's names first, as shim.install() makes them (without its board).
for n in port.aliases:
    sys.modules[n] = port.aliases[n]
for n in shim.MODULES:
    got = load("shim." + n)
    print(got.split(" ")[0], "shim." + n, *got.split(" ")[1:])
    if got == "ok":
        sys.modules[n] = getattr(sys.modules["shim"], n)
sys.modules["osTimer"] = sys.modules["osTimer"].osTimer
port.expose(ROOT + "/shim")
for name in modules("shim", ROOT + "/shim"):
    got = load(name)
    print(got.split(" ")[0], name, *got.split(" ")[1:])
