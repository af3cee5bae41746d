"""What loads after boot loads once, whichever thread asks first (issue 16:
the shim loads a module at its first use, and the unix port's threads run
with no GIL). tests/board/first_use_race.py starts threads that make their
first uses at the same moment; each run must see every one succeed. The
races it catches were seen before the loader lock covered them: the unix
port's calls.py, the stand-ins' modules, the timer thread's module, and the
board's power-on against a module load."""

import subprocess

import pytest

from qpyshim import paths
from qpyshim.runner import interpreter

SCRIPT = paths.ROOT / "tests" / "board" / "first_use_race.py"
RUNS = 5  # each a fresh interpreter: a first use happens once per process


@pytest.mark.parametrize("scenario", ["port", "standins", "timers", "poweron"])
def test_first_uses_at_once_all_succeed(scenario):
    for _ in range(RUNS):
        p = subprocess.run([interpreter("micropython"), str(SCRIPT), str(paths.ROOT), scenario],
                           capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, p.stdout + p.stderr
        got = [line for line in p.stdout.splitlines() if line.startswith("results ")]
        assert got, p.stdout + p.stderr
        results = eval(got[-1][len("results "):])
        assert results and all(r == "ok" for r in results), results
