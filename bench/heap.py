"""The shim's heap where an app starts: `gc.collect(); gc.mem_alloc()` at
the app's first line on the desktop board's real boot path, the shim as the
board ships it (.mpy, startup.Boards' flash), against the bare interpreter
running the same line; and again once the app has loaded the five modules
nearly every QuecPython app uses. shim.install() puts stand-ins in
sys.modules that load a module on its first use, so the app touches one
name of each: an import alone would cost nothing and say nothing. Each row
runs its own app (an app's whole code is on the heap at its first line); the
second is compared with the bare first line too (the bare interpreter has no
dataCall), so it also counts the app's own two extra lines."""

import subprocess
import tempfile
from pathlib import Path

from procs import MICROPYTHON

FIRST = "heap_first_line"
FIVE = "heap_five_modules"
FIVE_NAMES = "usocket+dataCall+checkNet+_thread+utime"
LIMIT = {FIRST: 16 * 1024, FIVE: 40 * 1024}  # bytes over the bare interpreter (issue 16)
RUN_S = 60

_PROBE = "import gc\ngc.collect()\nprint(gc.mem_alloc())\n"
APPS = {FIRST: _PROBE, FIVE: (_PROBE + "import usocket, dataCall, checkNet, _thread, utime\n"
       "usocket.socket, dataCall.getInfo, checkNet.wait_network_connected, _thread.start_new_thread, utime.ticks_ms\n"
       + _PROBE)}


def _numbers(cmd, env, cwd, what):
    p = subprocess.run(cmd, env=env, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, timeout=RUN_S)
    out = p.stdout.decode().split()
    if p.returncode != 0 or not out or not all(x.isdigit() for x in out):
        raise RuntimeError(f"{what}: printed {p.stdout[-500:]!r}, exit {p.returncode}\n{p.stderr.decode()[-2000:]}")
    return [int(x) for x in out]


def bare():
    """The bare interpreter's heap at the same first line."""
    with tempfile.TemporaryDirectory(prefix="qpyshim-heap-") as d:
        script = Path(d) / "main.py"
        script.write_text(_PROBE)
        return _numbers([str(MICROPYTHON), str(script)], None, d, "bare")[0]


def shim(boards, name, variant="mpy"):
    """The heap the app of row `name` prints last, on the board of
    startup.Boards, whose app is swapped for the probe for this one run."""
    cmd, env, flash = boards.runs[variant]
    main = flash / "usr" / "main.py"
    was = main.read_bytes()
    main.write_text(APPS[name])
    try:
        return _numbers(cmd, env, flash, f"shim .{variant}")[-1]
    finally:
        main.write_bytes(was)
