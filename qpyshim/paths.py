"""Where the device files live (shim/, boards/, boot.py, main.py,
firmware/manifest.py), laid out as at the repository's root. An installed
qpyshim carries them as package data in qpyshim/_device/ (setup.py puts them
there); an editable install, or a checkout on sys.path, has none there and
reads them from the checkout this package sits in."""

from importlib import resources
from pathlib import Path

PACKAGE = "qpyshim"
# The repository's root when qpyshim runs from a checkout (editable install).
CHECKOUT = Path(__file__).resolve().parent.parent


def _packaged():
    d = resources.files(PACKAGE) / "_device"
    # Only a real folder will do: the board's interpreter is handed paths in
    # it. pip always installs a wheel unpacked, so this holds.
    if isinstance(d, Path) and (d / "shim" / "__init__.py").is_file():
        return d
    return None


PACKAGED = _packaged()
ROOT = PACKAGED or CHECKOUT
SHIM = ROOT / "shim"
BOARDS = ROOT / "boards"
DEVICE_FILES = ("boot.py", "main.py")


def data(name):
    """A file of the host package's own data (qpyshim/data/)."""
    return resources.files(PACKAGE) / "data" / name


def board_dir(name):
    d = BOARDS / name
    if not (d / "board.json").is_file():
        known = sorted(p.name for p in BOARDS.iterdir() if (p / "board.json").is_file())
        raise SystemExit(f"qpyshim: unknown board {name!r} (known: {', '.join(known)})")
    return d


def check_checkout():
    """Exit with what is wrong when the device files are not where ROOT says."""
    if not (SHIM / "__init__.py").is_file():
        raise SystemExit(
            f"qpyshim: the device files (shim/, boards/, boot.py, main.py) are neither in the "
            f"installed package ({Path(__file__).parent / '_device'}) nor in a checkout at {CHECKOUT}; "
            "reinstall qpyshim from a wheel or a checkout (`pip install .`), which carries them"
        )
