"""pytest plugin (registered as `qpyshim`): the `quecpython` fixture starts
QuecPython apps on the desktop board and stops them after the test; every
test fails whose modem simulator swallowed an exception.

    def test_bridge(quecpython):
        app = quecpython("examples/uart_tcp_bridge", uarts=[2])
        app.expect(r"listening on")
        app.uart(2).write(b"ping")

Each app's board has a loopback block of its own (qpyshim/loopblock.py),
claimed here before it starts, so apps binding the same port run side by
side (pytest -n 4 too) and a test knows each board's addresses up front:
`app.block.ip(1)` is its data call's address, e.g. for another app's
`net={"hosts": {"server.local": server.block.ip(1)}}`; `block=K` asks for
block K. QPYSHIM_BLOCK=0 (hosts without all of 127/8 on loopback, macOS)
runs every app on the config's own addresses: `app.block` is then block 0,
whose ip(n) is 127.0.0.n, and apps binding the same port collide.

Options: --qpy-runtime micropython|cpython picks the interpreter for every
app a test starts without naming one."""

import os

import sys

import pytest

from . import boardblock, loopblock, testing
from .testing import AppError, QuecPythonApp  # noqa: F401  re-exported


def pytest_addoption(parser):
    parser.addoption("--qpy-runtime", default="micropython", choices=("micropython", "cpython"),
                     help="interpreter for apps started by the quecpython fixture")


@pytest.fixture
def quecpython(request, tmp_path):
    """A factory: quecpython(app, runtime=None, net=None, uarts=(), files=None,
    timeout=30, args=(), block=None) -> QuecPythonApp, stopped when the test
    ends; args go to `qpyshim run` as they are (e.g. ["--duration", "10"]).
    The app's `block` is its board's loopback block (a free one, or block
    number `block`), held until the test ends."""
    apps, blocks = [], []

    def start(app, runtime=None, block=None, **kw):
        rt = runtime or request.config.getoption("--qpy-runtime")
        want = boardblock.wanted(block, {})
        if isinstance(want, loopblock.Block):
            blk = want  # the test's own: it releases it
        else:
            blk = loopblock.HOST if want == 0 else loopblock.claim(want)
            blocks.append(blk)
        # The run uses the block this process holds for it (boardblock.HELD).
        env = dict(kw.pop("env", None) or testing._run_env(None) or os.environ)
        env[boardblock.HELD] = str(blk.index)
        args = ("--block", str(blk.index), *kw.pop("args", ()))
        a = QuecPythonApp(app, runtime=rt, workdir=tmp_path / f"app{len(apps)}", args=args, env=env, **kw)
        a.block = blk
        apps.append(a)
        return a

    yield start
    try:
        for a in apps:
            a.close()
    finally:
        for b in blocks:
            b.release()  # after its board is off


@pytest.fixture(autouse=True)
def qpyshim_simulators_swallowed_nothing():
    """Fails the test (at teardown) when a modem simulator made in this
    process (qpyshim.modemsim) caught an exception of its own and carried
    on: it printed the traceback and answered ERROR, a lost call the test's
    own assertions may well tolerate. Simulators inside `qpyshim run`
    processes print theirs to the run's stderr."""
    if "qpyshim.modemsim.base" not in sys.modules:
        yield  # none made so far: nothing to take a mark of
        mark = []
    else:
        mark = sys.modules["qpyshim.modemsim.base"].error_mark()
        yield
    check_simulators(mark)


def check_simulators(mark):
    """pytest.fail if a simulator swallowed an exception since `mark`."""
    if "qpyshim.modemsim.base" not in sys.modules:
        return
    swallowed = sys.modules["qpyshim.modemsim.base"].errors_since(mark)
    if swallowed:
        pytest.fail("a modem simulator swallowed an exception (its traceback is on stderr): "
                    + "; ".join(f"{name}: {e!r}" for name, e in swallowed), pytrace=False)
