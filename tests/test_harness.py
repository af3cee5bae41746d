"""The one app harness (qpyshim.testing) and the plugin's check that no
modem simulator swallowed an exception."""

import os
import subprocess
import sys

import pytest

from conftest import processes_with
from qpyshim import dialects, pytest_plugin, testing
from qpyshim.modemsim import base, make

ONE = dialects.names()[0]  # any dialect: the check is the same for all

BOOM = """
import pytest
from qpyshim import dialects
from qpyshim.modemsim import make

ONE = dialects.names()[0]

def _swallow(sim):
    def boom():
        raise RuntimeError("a simulator bug")
    sim.later(boom)              # the loop catches it, prints it, carries on
    sim.call(lambda: None)       # the loop has run it

def test_swallowed():
    sim = make(ONE).start()
    try:
        _swallow(sim)
    finally:
        sim.stop()

def test_clean():
    sim = make(ONE).start()
    try:
        sim.call(lambda: None)
    finally:
        sim.stop()
"""


def test_a_test_whose_simulator_swallowed_an_exception_fails(tmp_path):
    """The plugin's autouse fixture fails the test at teardown (an error
    naming the exception), and only that test."""
    (tmp_path / "test_boom.py").write_text(BOOM)
    p = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rE",
                        "test_boom.py"], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    # test_swallowed's call passed: its teardown is the error
    assert "2 passed, 1 error" in p.stdout, p.stdout + p.stderr
    assert "ERROR test_boom.py::test_swallowed" in p.stdout, p.stdout
    assert "RuntimeError('a simulator bug')" in p.stdout, p.stdout
    assert p.returncode == 1, p.stdout


def test_the_check_sees_only_what_came_after_its_mark():
    sim = make(ONE).start()
    try:
        sim.later(lambda: 1 / 0)
        sim.call(lambda: None)
        mark = base.error_mark()
        pytest_plugin.check_simulators(mark)  # the earlier one is not this test's business
        assert [(n, type(e)) for n, e in base.errors_since() if e in sim.errors] == [
            (ONE, ZeroDivisionError)]
        sim.later(lambda: [][1])
        sim.call(lambda: None)
        with pytest.raises(pytest.fail.Exception, match=rf"{ONE}: IndexError"):
            pytest_plugin.check_simulators(mark)
    finally:
        sim.stop()
        sim.errors.clear()  # seen: this test's own fixture has nothing left to fail on


def test_run_app_returns_what_the_app_printed(tmp_path):
    r = testing.run_app(None, files={"main.py": "print('answer', 6 * 7)\nraise SystemExit(3)\n"},
                        workdir=tmp_path, runtime="micropython")
    assert r.code == 3, r
    assert r.value("answer") == 42
    assert r.lines == ["answer 42"]


def test_a_run_past_its_timeout_is_killed_with_its_board(tmp_path):
    """AppTimeout, also a subprocess.TimeoutExpired carrying what came so far;
    nothing of the run is left."""
    flash = (tmp_path / "flash").resolve()
    app = "import utime\nprint('up')\nwhile True:\n    utime.sleep_ms(100)\n"
    with pytest.raises(subprocess.TimeoutExpired) as e:
        started = testing.QuecPythonApp(None, files={"main.py": app}, workdir=tmp_path / "w",
                                        args=("--flash", str(flash)), control=False, timeout=30)
        started.expect("^up$")
        started.wait(timeout=0.5)
    assert isinstance(e.value, testing.AppError)
    assert "up" in e.value.output
    assert processes_with("QPYSHIM_FLASH", flash) == []
    started.close()


def test_expect_reads_only_the_streams_asked_and_interrupt_ends_the_app(tmp_path):
    app = testing.QuecPythonApp(None, files={"main.py": """
import sys, utime
print('to err', file=sys.stderr)
print('to out')
while True:
    utime.sleep_ms(50)
"""}, workdir=tmp_path, control=False, expect_from=("stdout",))
    try:
        assert app.expect("^to").string == "to out"  # printed after 'to err', to stdout
        assert app.seen == ["to out"]
        assert app.interrupt() == 0  # the app got the Ctrl-C: its own status
        assert "to err" in app.stderr.splitlines()
    finally:
        app.close()


def test_expect_that_never_matches_kills_the_app(tmp_path):
    app = testing.QuecPythonApp(None, files={"main.py": "print('only this')\nimport utime\n"
                                             "while True:\n    utime.sleep_ms(50)\n"},
                                workdir=tmp_path, control=False)
    try:
        with pytest.raises(testing.AppError, match="no line matching 'never'"):
            app.expect("never", timeout=2)  # the deadline only bounds a failing wait
        assert app.proc.poll() is not None
        assert "only this" in app.transcript
    finally:
        app.close()


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root for a network namespace")
def test_netns_runs_the_app_with_loopback_only(board):
    r = board.run("import usocket\nprint('ok', 1)\n", netns=True)
    assert r.code == 0, r
    assert r.value("ok") == 1
