"""Helpers that run QuecPython apps on the desktop board through `qpyshim run`,
on the real `micropython` binary and on CPython, and servers on loopback for
them to talk to. Every wait here is bounded by a timeout."""

import contextlib
import os
import socket
import socketserver
import sys
import threading
from pathlib import Path

import pytest

from modemkit import DIALECTS
from qpyshim.netconfig import merge
from qpyshim.testing import AppTimeout, QuecPythonApp, Result  # noqa: F401  Result: for the tests

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
RUNTIMES = ("micropython", "cpython")
# Tests never bind real privileged ports: port 80 in an app becomes a free port.
TEST_NET = {"ports": {"remap_privileged": "always", "offset": 0}}
QPYSHIM = [sys.executable, "-m", "qpyshim"]

def _prelude():
    """Prepended to snippets: report what a call raises, in one comparable
    shape. It is tests/inproc/inkit.py's err, which the in-process cases share."""
    import ast

    path = Path(__file__).parent / "inproc" / "inkit.py"
    text = path.read_text()
    fn = next(n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef) and n.name == "err")
    return "\n" + "\n".join(text.splitlines()[fn.lineno - 1:fn.end_lineno]) + "\n"


PRELUDE = _prelude()


class Board:
    """Runs apps for one test on one runtime (qpyshim.testing underneath):
    a snippet gets PRELUDE and a work dir of its own in tmp_path, a path
    runs where it is. expect() reads stdout; `seen` is what it read."""

    def __init__(self, tmp_path, runtime):
        self.tmp = tmp_path
        self.runtime = runtime
        self._n = 0
        self._started = []

    def _app(self, source, path, net, files, args, netns, timeout):
        self._n += 1
        if path is None:
            app, files = None, {"main.py": PRELUDE + source, **(files or {})}
        else:
            app, files = str(path), None
        # --block 0: these tests name the default config's addresses (127.0.0.1,
        # the NICs' .4 and .5) and keep clear of each other with free ports
        # (TEST_NET); tests/test_isolation.py runs boards in blocks of their own.
        return QuecPythonApp(app, runtime=self.runtime, net=merge(TEST_NET, net or {}), files=files,
                             workdir=self.tmp / f"run{self._n}", args=("--block", "0", *args), netns=netns,
                             control=False, cwd=ROOT, timeout=timeout, expect_from=("stdout",))

    def run(self, source=None, path=None, net=None, files=None, args=(), timeout=30, netns=False):
        """Run to the end: a Result. Past `timeout` the run is killed with
        its board (AppTimeout, a subprocess.TimeoutExpired)."""
        app = self._app(source, path, net, files, args, netns, timeout)
        try:
            return app.result()
        finally:
            app.close()

    def start(self, source=None, path=None, net=None, files=None, args=(), netns=False, timeout=30):
        """A running app: expect(), interrupt(), wait(), kill(), seen, stderr.
        The fixtures kill what a test left running."""
        app = self._app(source, path, net, files, args, netns, timeout)
        self._started.append(app)
        return app

    def close(self):
        for app in self._started:
            app.kill()  # with its board: no interpreter outlives the test


@pytest.fixture(params=RUNTIMES)
def runtime(request):
    return request.param


@pytest.fixture
def board(tmp_path, runtime):
    b = Board(tmp_path, runtime)
    yield b
    b.close()


class _PeerHandler(socketserver.BaseRequestHandler):
    """Echoes what it gets after telling the client where it came from; with
    the server's `until` set, closes once it has seen those bytes."""

    def handle(self):
        self.request.settimeout(10)
        self.server.peers.append(self.client_address)
        self.request.sendall(("peer=%s:%d\n" % self.client_address).encode())
        seen = b""
        try:
            while not (self.server.until and self.server.until in seen):
                data = self.request.recv(4096)
                if not data:
                    break
                if self.server.until:
                    seen += data
                self.request.sendall(data)
        except OSError:
            pass


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextlib.contextmanager
def serve_peer(until=None):
    """A TCP server on 127.0.0.1 (ephemeral port) that greets with the peer
    address, then echoes (until `until` arrives, if given); .peers lists who came."""
    srv = _Server(("127.0.0.1", 0), _PeerHandler)
    srv.peers, srv.until = [], until
    threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()


@pytest.fixture
def peer_server():
    with serve_peer() as srv:
        yield srv


def processes_with(key, value):
    """Live processes whose environment holds key=value: what a command
    started, since every process it starts inherits the marker. A zombie
    runs nothing and is left out."""
    mark = f"{key}={value}".encode()
    found = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                if mark in (p / "environ").read_bytes().split(b"\0"):
                    if (p / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                        found.append(int(p.name))
            except OSError:
                pass
    return found


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(params=DIALECTS)
def dialect(request):
    """Each simulated serial modem in turn (tests/modemkit.py)."""
    return request.param


@pytest.fixture
def mboard(tmp_path):
    """A board on the micropython unix port, the modem drivers' home."""
    b = Board(tmp_path, "micropython")
    yield b
    b.close()



def pytest_configure(config):
    """Compile the host package once: every app a test runs starts
    `python -m qpyshim`, and where PYTHONDONTWRITEBYTECODE is set (CI images
    often set it) each of those would compile it again."""
    if hasattr(config, "workerinput"):
        return  # an xdist worker: the controller did it
    import compileall

    compileall.compile_dir(str(ROOT / "qpyshim"), quiet=2)


# Tests that take many seconds whatever the machine (hypothesis fuzzing of a
# live modem, ten thousand connections, a deploy over a pty): spread evenly
# through the run. xdist hands each worker a stretch of the list (and with
# --dist worksteal an idle worker takes the far end of a busy one's), so
# long tests side by side in the list would run one after another on one
# worker while the others go idle.
LONG = ("test_recovery.py::test_fuzz", "test_load.py::", "test_modem_recovery.py::",
        "test_vboard.py::test_deploy", "test_bench.py::", "test_persist.py::test_duration",
        "test_umqtt.py::test_a_client_that_only_publishes")


def pytest_collection_modifyitems(config, items):
    long = [i for i in items if any(k in i.nodeid for k in LONG)]
    workers = config.getoption("numprocesses", None)
    workers = os.cpu_count() if workers == "auto" else workers
    if not long or not workers or workers < 2:
        return
    rest = [i for i in items if not any(k in i.nodeid for k in LONG)]
    stretches = [rest[n * (len(rest) // workers):(n + 1) * (len(rest) // workers)] for n in range(workers)]
    stretches[-1] += rest[workers * (len(rest) // workers):]
    for k, item in enumerate(long):  # each worker's stretch starts with its share of the long ones
        stretches[k % workers].insert(k // workers, item)
    items[:] = [i for s in stretches for i in s]
