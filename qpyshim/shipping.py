"""What of the device package goes where, read off the tree's layout: the one
rule `qpyshim run`, `image`, `deploy`, package.json and the firmware manifest
all follow.

    shim/*.py              QuecPython's public modules: every board
    shim/_lib/**           their private helpers: every board
    shim/_modems/**        the serial-modem drivers: every board
    shim/_ports/*.py       the port seam and what board ports share: every board
    shim/_ports/<port>/    one port: only a board running that port
    shim/_desktop/**       the desktop's simulation: never on a board

The desktop runner takes the whole tree (it can run either desktop port); a
board whose port is a desktop one (the unix port behind `qpyshim board`)
takes the desktop's simulation and its own port.
`python -m qpyshim.shipping` rewrites package.json and firmware/manifest.py
from this rule; tests/test_shipping.py fails when either is out of step."""

import json
import sys
from pathlib import Path

from . import paths

DESKTOP = "_desktop"
PORTS = "_ports"
# The ports of a real board; the others (unix, cpython) run only on the desktop.
BOARD_PORTS = ("esp32",)
# Ports that run on the desktop (the virtual board of `qpyshim board` is the
# unix port): they carry the desktop's simulation, but no other port.
DESKTOP_PORTS = ("unix", "cpython")
MIP_PORT = "esp32"  # a mip install lands on a real board


def _tree(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.py")
                  if "__pycache__" not in p.parts)


def desktop_only(rel, port):
    """True when shim-relative path `rel` has no place on a board of `port`."""
    return rel.split("/")[0] == DESKTOP or _other_port(rel, port)


def device_files(port=None, root=None):
    """Shim-relative paths of the modules a board of `port` carries; None: the
    desktop's full set."""
    files = _tree(Path(root or paths.SHIM))
    if port is None:
        return files
    if port in DESKTOP_PORTS:
        return [f for f in files if not _other_port(f, port)]
    if port not in BOARD_PORTS:
        raise ValueError(f"no board port {port!r} (known: {', '.join(BOARD_PORTS + DESKTOP_PORTS)})")
    return [f for f in files if not desktop_only(f, port)]


def _other_port(rel, port):
    parts = rel.split("/")
    return parts[0] == PORTS and len(parts) > 2 and parts[1] != port


def lazy_modules():
    """Every top-level shim module that shim.install() places no stand-in for
    (MODULES, LATER): found on sys.path at its first import; frozen firmware
    makes them top-level frozen modules."""
    import ast

    placed = set()
    for node in ast.parse((paths.SHIM / "__init__.py").read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) in ("MODULES", "LATER") for t in node.targets):
            placed.update(ast.literal_eval(node.value))
    return tuple(sorted(p.stem for p in paths.SHIM.glob("*.py") if p.stem != "__init__" and p.stem not in placed))


def package_json(port=MIP_PORT):
    urls = ",\n".join(f'    {json.dumps([f"shim/{f}", f"shim/{f}"])}' for f in device_files(port))
    return '{\n  "urls": [\n%s\n  ],\n  "version": %s\n}\n' % (urls, json.dumps(_version()))


def _version():
    for line in (paths.SHIM / "__init__.py").read_text().splitlines():
        if line.startswith("__version__"):
            return line.split("=", 1)[1].strip().strip("\"'")
    raise RuntimeError("shim/__init__.py has no __version__")


MANIFEST_HEAD = '''\
# Freezes qpyshim into a MicroPython firmware: the board runs the frozen
# boot.py (install the layer) and main.py (run /usr/main.py) instead of files on
# its filesystem, and the shim costs no RAM to load. Build with
#   make BOARD=ESP32_GENERIC FROZEN_MANIFEST=/abs/path/firmware/manifest.py
# from ports/esp32 of a MicroPython checkout (see README.md here).
#
# Written by `python -m qpyshim.shipping` from the layout of shim/ (the rule is
# in qpyshim/shipping.py); edit that, not this file.

# Everything the port freezes by itself (_boot.py, asyncio, mip, ...).
include("$(PORT_DIR)/boards/manifest.py")

# Relative paths resolve against this file's folder.
module("boot.py", base_path="..")
module("main.py", base_path="..")

'''


def manifest(port=MIP_PORT):
    lazy = {m + ".py" for m in lazy_modules()}
    files = [f for f in device_files(port) if f not in lazy]
    out = [MANIFEST_HEAD, "# The shim a board of this port carries (no desktop modules, no other port).\n",
           'package(\n    "shim",\n    files=[\n']
    out += [f'        "{f}",\n' for f in files]
    out.append('    ],\n    base_path="..",\n    opt=1,\n)\n\n')
    out.append("# QuecPython's modules beyond the interpreter's own names (qpyshim.shipping.lazy_modules()) load on\n"
               "# first import; frozen, they are top-level modules the '.frozen' entry of\n"
               "# sys.path finds.\n")
    out += [f'module("{m}.py", base_path="../shim", opt=1)\n' for m in lazy_modules()]
    return "".join(out)


def outputs():
    """{path in the checkout: the text the rule gives it}."""
    return {paths.ROOT / "package.json": package_json(),
            paths.ROOT / "firmware" / "manifest.py": manifest()}


def main(argv=None):
    check = "--check" in (argv if argv is not None else sys.argv[1:])
    stale = []
    for path, text in outputs().items():
        current = path.read_text() if path.exists() else None
        if current == text:
            continue
        stale.append(path)
        if not check:
            path.write_text(text)
    for p in stale:
        print(("out of step: " if check else "wrote ") + str(p.relative_to(paths.ROOT)))
    return 1 if (check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
