"""pytest plugin (registered as `qpyshim`): the `quecpython` fixture starts
QuecPython apps on the desktop board and stops them after the test; every
test fails whose modem simulator swallowed an exception.

    def test_bridge(quecpython):
        app = quecpython("examples/uart_tcp_bridge", uarts=[2])
        app.expect(r"listening on")
        app.uart(2).write(b"ping")

Options: --qpy-runtime micropython|cpython picks the interpreter for every
app a test starts without naming one."""

import sys

import pytest

from .testing import AppError, QuecPythonApp  # noqa: F401  re-exported


def pytest_addoption(parser):
    parser.addoption("--qpy-runtime", default="micropython", choices=("micropython", "cpython"),
                     help="interpreter for apps started by the quecpython fixture")


@pytest.fixture
def quecpython(request, tmp_path):
    """A factory: quecpython(app, runtime=None, net=None, uarts=(), files=None,
    timeout=30, args=()) -> QuecPythonApp, stopped when the test ends; args
    go to `qpyshim run` as they are (e.g. ["--duration", "10"])."""
    apps = []

    def start(app, runtime=None, **kw):
        rt = runtime or request.config.getoption("--qpy-runtime")
        a = QuecPythonApp(app, runtime=rt, workdir=tmp_path / f"app{len(apps)}", **kw)
        apps.append(a)
        return a

    yield start
    for a in apps:
        a.close()


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
