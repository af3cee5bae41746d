"""Where the device-side files live: the checkout this package sits in."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIM = ROOT / "shim"
BOARDS = ROOT / "boards"
DEVICE_FILES = ("boot.py", "main.py")


def board_dir(name):
    d = BOARDS / name
    if not (d / "board.json").is_file():
        known = sorted(p.name for p in BOARDS.iterdir() if (p / "board.json").is_file())
        raise SystemExit(f"qpyshim: unknown board {name!r} (known: {', '.join(known)})")
    return d


def check_checkout():
    if not (SHIM / "__init__.py").is_file():
        raise SystemExit(
            f"qpyshim: device files not found next to {Path(__file__).parent}; "
            "install qpyshim from a checkout with `pip install -e .`"
        )
