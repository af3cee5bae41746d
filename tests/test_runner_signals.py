"""How `qpyshim run` ends its board: --duration at any point of a restart,
and a runner that is killed. The board runs in a session of its own (so a
terminal's Ctrl-C reaches the runner only); it must still never outlive it."""

import os
import signal
import sys
import time

import pytest

from conftest import processes_with

from qpyshim import runner

# A stand-in for the board's interpreter: the first boot asks for a restart
# the way shim/_ports/cpython/__init__.py power() does (the signal that ends it); every
# later boot stays "starting" for good, where a Ctrl-C can only end it with a
# traceback and status 1, as Python's own start-up does.
FAKE_BOARD = """
import os, signal, sys, time
if not os.environ.get("QPYSHIM_BOOT_REASON"):
    os.kill(os.getpid(), signal.SIGUSR1)
    time.sleep(30)
open(os.environ["FAKE_MARK"], "w").close()
try:
    time.sleep(60)
except KeyboardInterrupt:
    sys.stderr.write("Traceback (most recent call last):\\nKeyboardInterrupt\\n")
    sys.exit(1)
"""


def test_duration_ending_while_a_slow_restart_starts_exits_0(tmp_path, monkeypatch, capfd):
    """--duration ends with 0 and no traceback when it falls while a board
    that restarted is starting again, also when its restarts are too far
    apart to count as a restart loop (STORM_S 0 here: every restart is
    "slow"). Before, only a board in a restart loop was powered off; a slow
    one got a Ctrl-C in its start-up and the run exited 1."""
    monkeypatch.setattr(runner, "STORM_S", 0.0)
    fake, mark = tmp_path / "fake_board.py", tmp_path / "second_boot"
    fake.write_text(FAKE_BOARD)
    env = dict(os.environ, FAKE_MARK=str(mark))
    env.pop("QPYSHIM_BOOT_REASON", None)
    with runner._CtrlC() as ctrl_c:
        code = runner._power_on([sys.executable, str(fake)], env, str(tmp_path),
                                time.monotonic() + 3, ctrl_c)
    err = capfd.readouterr().err
    if not mark.exists():
        pytest.skip("the machine took 3 s to boot the stand-in once: nothing tested")
    assert code == 0, err
    assert "Traceback" not in err, err
    assert "the board restarts" in err


def _board_processes(flash):
    return processes_with("QPYSHIM_FLASH", flash)


def test_a_killed_runner_takes_its_board_down(board):
    """SIGKILL to the runner alone (no cleanup of its own can run): its board,
    in a session of its own, goes too, so no interpreter is left running.
    Before, the board was only in the runner's process group, and outlived a
    runner killed by itself."""
    flash = (board.tmp / "flash").resolve()
    app = board.start("""
import utime
print('up')
while True:
    utime.sleep(1)
""", args=("--flash", str(flash)))
    try:
        app.expect("^up$")
        assert _board_processes(flash), "the board should be running"
        os.kill(app.proc.pid, signal.SIGKILL)
        app.proc.wait(10)
        deadline = time.monotonic() + 10
        while _board_processes(flash) and time.monotonic() < deadline:
            time.sleep(0.05)  # the kernel takes the board down: wait for it, bounded
        left = _board_processes(flash)
    finally:
        for pid in _board_processes(flash):
            os.kill(pid, signal.SIGKILL)
        app.kill()
    assert left == [], "the board outlived its runner"
