"""pytest plugin (registered as `qpyshim`): the `quecpython` fixture starts
QuecPython apps on the desktop board and stops them after the test.

    def test_bridge(quecpython):
        app = quecpython("examples/uart_tcp_bridge", uarts=[2])
        app.expect(r"listening on")
        app.uart(2).write(b"ping")

Options: --qpy-runtime micropython|cpython picks the interpreter for every
app a test starts without naming one."""

import pytest

from .testing import AppError, QuecPythonApp  # noqa: F401  re-exported for tests


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
