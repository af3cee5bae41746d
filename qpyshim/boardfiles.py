"""What goes onto a board's filesystem: boot.py, main.py, the shim (as .mpy
when the board loads this mpy-cross's bytecode), the board config and the app
under /usr. `qpyshim image` and `qpyshim deploy` both start from this list."""

import json
from pathlib import Path

from . import netconfig, paths, shipping

SKIP_DIRS = {"__pycache__", ".git"}
HOST_ONLY = ("target", "stand_ins", "control")  # config sections a flashed board never reads


class File:
    """One file for the board. A plain class: `qpyshim run` lays out every
    board through here, and dataclasses alone cost it ~10 ms of imports."""

    __slots__ = ("path", "data")

    def __init__(self, path, data):
        self.path = path  # on the board, relative to its root: "shim/dataCall.mpy", "usr/main.py"
        self.data = data

    def __eq__(self, other):
        return isinstance(other, File) and (self.path, self.data) == (other.path, other.data)

    def __repr__(self):
        return f"File(path={self.path!r}, data=<{len(self.data)} bytes>)"

    @property
    def sha256(self):
        import hashlib

        return hashlib.sha256(self.data).hexdigest()


def load_config(board, user_config=None):
    """The board's config with the user's file merged over it (ConfigError if bad)."""
    return netconfig.load(paths.board_dir(board) / "board.json", user_config)


def target(cfg):
    t = cfg.get("target") or {}
    return {
        "shim": bool(t.get("shim", True)),
        "port": t.get("port"),
        "exclude": list(t.get("exclude") or []),
        "mpy": tuple(t["mpy"]) if t.get("mpy") else None,
        "chip": t.get("chip"),
        "firmware_offset": _int(t.get("firmware_offset"), "target.firmware_offset"),
        "vfs_offset": _int(t.get("vfs_offset"), "target.vfs_offset"),
        "vfs_size": _int(t.get("vfs_size"), "target.vfs_size"),
        "block_size": _int(t.get("block_size", 4096), "target.block_size"),
        # the partition tables (CSV files in the board's folder) by flash size,
        # and which one a board of this kind has unless told (qpyshim/partitions.py)
        "layouts": dict(t.get("layouts") or {}),
        "flash_size": t.get("flash_size"),
        "baud": t.get("baud", 460800),
    }


def _int(v, where):
    if v is None:
        return None
    try:
        return int(v, 0) if isinstance(v, str) else int(v)
    except ValueError:
        raise netconfig.ConfigError(f"{where}: {v!r} is not a number (use 0x200000 or 2097152)") from None


def app_files(app):
    """The app's files, placed under usr/ as QuecPython keeps them."""
    app = Path(app)
    if not app.exists():
        raise SystemExit(f"qpyshim: no such app: {app}")
    if app.is_file():
        return [File("usr/main.py", app.read_bytes())]
    if not (app / "main.py").is_file():
        raise SystemExit(f"qpyshim: {app} has no main.py")
    out = []
    for p in sorted(app.rglob("*")):
        rel = p.relative_to(app)
        if any(part in SKIP_DIRS for part in rel.parts) or p.suffix == ".pyc" or not p.is_file():
            continue
        out.append(File("usr/" + rel.as_posix(), p.read_bytes()))
    return out


def shim_files(t, use_mpy):
    """The modules a board of t["port"] carries (qpyshim/shipping.py; no port:
    the desktop's whole tree) but those t["exclude"] names, as source or .mpy."""
    if use_mpy:
        from . import mpy
    out = []
    for rel in shipping.device_files(t.get("port")):
        if rel in t["exclude"]:
            continue
        p = paths.SHIM / rel
        name = f"shim/{rel}"
        if use_mpy:
            out.append(File(name[:-3] + ".mpy", mpy.compile_source(p.read_bytes(), name)))
        else:
            out.append(File(name, p.read_bytes()))
    return out


def collect(cfg, app, use_mpy=True):
    """Every file for the board, in the order they should be written."""
    paths.check_checkout()
    t = target(cfg)
    files = []
    if t["shim"]:
        from . import mpy

        if use_mpy and not mpy.compatible(t["mpy"]):
            use_mpy = False  # a board that can't load this bytecode gets source
        for name in paths.DEVICE_FILES:
            files.append(File(name, (paths.ROOT / name).read_bytes()))
        files += shim_files(t, use_mpy)
        device_cfg = {k: v for k, v in cfg.items() if k not in HOST_ONLY}
        files.append(File("board.json", json.dumps(device_cfg, indent=1).encode()))
    return files + app_files(app)
