"""`qpyshim firmware`: check firmware/manifest.py, and build a MicroPython
firmware with the shim frozen in, where a MicroPython checkout and ESP-IDF
are present."""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from . import paths

MANIFEST = paths.ROOT / "firmware" / "manifest.py"

# ESP-IDF releases each MicroPython release's ports/esp32/README.md names
# (the first is the one it recommends). Also in firmware/README.md.
IDF_FOR = {
    (1, 24): ("v5.2.2", "v5.0.4", "v5.0.5", "v5.1.2", "v5.2.0"),
    (1, 25): ("v5.2.2", "v5.2", "v5.3", "v5.4"),
    (1, 26): ("v5.4.2", "v5.2", "v5.2.2", "v5.3", "v5.4", "v5.4.1"),
    (1, 27): ("v5.5.1", "v5.2", "v5.2.2", "v5.3", "v5.4", "v5.4.1", "v5.4.2"),
    (1, 28): ("v5.5.1", "v5.3", "v5.4", "v5.4.1", "v5.4.2"),
    (1, 29): ("v5.5.2", "v5.3", "v5.4", "v5.4.1", "v5.4.2", "v5.5.1", "v5.5.4"),
}


class Missing(Exception):
    pass


def check_manifest(manifest=MANIFEST):
    """Run the manifest against stand-ins for the build's functions: every
    file it names must exist. Returns [(frozen name, path)]; includes of the
    port's own manifests are listed as ('include', path) and not followed."""
    manifest = Path(manifest)
    here = manifest.parent
    out = []

    def _base(base_path):
        return (here / base_path).resolve()

    def include(path, **_kw):
        out.append(("include", path))

    def module(name, base_path=".", opt=None):
        p = _base(base_path) / name
        if not p.is_file():
            raise FileNotFoundError(f"{manifest}: module {name!r} not found at {p}")
        out.append((name, p))

    def package(name, files=None, base_path=".", opt=None):
        d = _base(base_path) / name
        names = files if files is not None else [p.relative_to(d).as_posix() for p in d.rglob("*.py")]
        for f in names:
            p = d / f
            if not p.is_file():
                raise FileNotFoundError(f"{manifest}: package {name!r} file {f!r} not found at {p}")
            out.append((f"{name}/{f}", p))

    def require(name, **_kw):
        out.append(("require", name))

    def metadata(**_kw):
        pass

    def freeze(path, script=None, opt=0):
        out.append(("freeze", path))

    env = {"include": include, "module": module, "package": package, "require": require,
           "metadata": metadata, "freeze": freeze}
    exec(compile(manifest.read_text(), str(manifest), "exec"), env)
    return out


def micropython_version(mpy_dir):
    text = (Path(mpy_dir) / "py" / "mpconfig.h").read_text(errors="replace")
    nums = [re.search(rf"#define MICROPY_VERSION_{k} \(?(\d+)", text) for k in ("MAJOR", "MINOR")]
    if not all(nums):
        return None
    return int(nums[0].group(1)), int(nums[1].group(1))


def idf_version():
    """The ESP-IDF in this shell ('v5.5.1'), or None when there is none."""
    if not shutil.which("idf.py"):
        return None
    p = subprocess.run(["idf.py", "--version"], capture_output=True, text=True)
    m = re.search(r"v\d+\.\d+(\.\d+)?", p.stdout + p.stderr)
    return m.group(0) if m else "unknown"


def plan(board, mpy_dir, jobs=None):
    """The build's commands, or Missing listing everything that is absent."""
    missing = []
    mpy = Path(mpy_dir) if mpy_dir else None
    if mpy is None:
        missing.append("a MicroPython checkout: pass MICROPY_DIR=/path/to/micropython "
                       "(git clone https://github.com/micropython/micropython && git checkout v1.28.0)")
    elif not (mpy / "ports" / "esp32" / "Makefile").is_file():
        missing.append(f"{mpy} is not a MicroPython checkout (no ports/esp32/Makefile)")
    idf = idf_version()
    if idf is None:
        missing.append("ESP-IDF: idf.py is not on PATH (install it and run `source <esp-idf>/export.sh` "
                       "in this shell; firmware/README.md lists the version for each MicroPython)")
    if missing:
        raise Missing(missing)
    notes = []
    ver = micropython_version(mpy)
    want = IDF_FOR.get(ver)
    if want and idf not in want:
        notes.append(f"MicroPython {ver[0]}.{ver[1]} is built with ESP-IDF {', '.join(want)}; "
                     f"this shell has {idf}")
    j = [f"-j{jobs}"] if jobs else []
    port = mpy / "ports" / "esp32"
    cmds = [
        ["make", "-C", str(mpy / "mpy-cross")] + j,
        ["make", "-C", str(port), f"BOARD={board}", "submodules"],
        ["make", "-C", str(port), f"BOARD={board}", f"FROZEN_MANIFEST={MANIFEST}"] + j,
    ]
    return cmds, notes, port / f"build-{board}" / "firmware.bin"


def main(board, mpy_dir, check_only=False, dry_run=False, jobs=None):
    if (paths.BOARDS / board / "board.json").is_file():  # `--board esp32`: what it is built from
        from . import boardfiles

        board = (boardfiles.load_config(board).get("target") or {}).get("micropython_board", board)
    try:
        frozen = check_manifest()
    except (FileNotFoundError, SyntaxError) as e:
        print(f"qpyshim: firmware manifest: {e}", file=sys.stderr)
        return 1
    n = sum(1 for name, _ in frozen if name not in ("include", "require", "freeze"))
    print(f"{MANIFEST.relative_to(paths.ROOT)}: {n} files to freeze, all present")
    if check_only:
        return 0
    try:
        cmds, notes, out = plan(board, mpy_dir or os.environ.get("MICROPY_DIR"), jobs)
    except Missing as e:
        print("qpyshim: cannot build the firmware here; missing:", file=sys.stderr)
        for m in e.args[0]:
            print(f"  - {m}", file=sys.stderr)
        return 2
    for note in notes:
        print(f"qpyshim: warning: {note}", file=sys.stderr)
    for cmd in cmds:
        print(shlex.join(cmd), flush=True)
        if not dry_run and subprocess.call(cmd):
            print(f"qpyshim: the firmware build failed at: {shlex.join(cmd)}", file=sys.stderr)
            return 1
    if not dry_run:
        print(f"firmware: {out}\nflash it with: qpyshim flash --board esp32 --port PORT --firmware {out} fs.img")
    return 0
