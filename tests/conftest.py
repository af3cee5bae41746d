"""Helpers that run QuecPython apps on the desktop board through `qpyshim run`,
on the real `micropython` binary and on CPython, and servers on loopback for
them to talk to. Every wait here is bounded by a timeout."""

import json
import os
import queue
import re
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from modemkit import DIALECTS

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
RUNTIMES = ("micropython", "cpython")
# Tests never bind real privileged ports: port 80 in an app becomes a free port.
TEST_NET = {"ports": {"remap_privileged": "always", "offset": 0}}
QPYSHIM = [sys.executable, "-m", "qpyshim"]

# Prepended to snippets: report what a call raises, in one comparable shape.
PRELUDE = '''
def err(f, *a):
    try:
        f(*a)
    except Exception as e:
        n = e.args[0] if e.args else None
        # CPython raises errno subclasses (TimeoutError...); QuecPython code sees OSError
        return ('OSError' if isinstance(e, OSError) else type(e).__name__, n, str(e))
    return None
'''


def merge(a, b):
    out = dict(a)
    for k, v in b.items():
        out[k] = merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


class Result:
    def __init__(self, code, out, err):
        self.code, self.out, self.err = code, out, err
        self.lines = out.splitlines()

    def value(self, key):
        """What the app printed after KEY: a Python literal evaluated, else the text."""
        import ast

        for line in self.lines:
            if line.startswith(key + " "):
                text = line[len(key) + 1:]
                try:
                    return ast.literal_eval(text)
                except (ValueError, SyntaxError):
                    return text
        raise AssertionError(f"{key!r} not printed; stdout:\n{self.out}\nstderr:\n{self.err}")

    def __repr__(self):
        return f"<Result code={self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}>"


class Board:
    """Runs apps for one test on one runtime, with a net map in tmp_path."""

    def __init__(self, tmp_path, runtime):
        self.tmp = tmp_path
        self.runtime = runtime
        self._n = 0

    def _app(self, source=None, path=None, files=None):
        if path is not None:
            return str(path)
        self._n += 1
        d = self.tmp / f"app{self._n}"
        d.mkdir()
        (d / "main.py").write_text(PRELUDE + source)
        for name, text in (files or {}).items():
            (d / name).parent.mkdir(parents=True, exist_ok=True)
            (d / name).write_text(text)
        return str(d)

    def _cmd(self, app, net, args, netns=False):
        net_file = self.tmp / f"net{self._n}.json"
        net_file.write_text(json.dumps(merge(TEST_NET, net or {})))
        cmd = QPYSHIM + ["run", "--runtime", self.runtime, "--net", str(net_file), *args, app]
        if netns:
            # A network namespace of our own with only loopback up: even a
            # broken guard could not send a packet anywhere else.
            if not shutil.which("unshare") or os.geteuid() != 0:
                pytest.skip("needs root and unshare for a private network namespace")
            cmd = ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "sh", *cmd]
        return cmd

    def run(self, source=None, path=None, net=None, files=None, args=(), timeout=30, netns=False):
        cmd = self._cmd(self._app(source, path, files), net, args, netns)
        # A session of its own, so a timeout kills the board under the runner too.
        with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              cwd=ROOT, start_new_session=True) as p:
            try:
                out, err = p.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill_group(p)
                raise
        return Result(p.returncode, out, err)

    def start(self, source=None, path=None, net=None, files=None, args=()):
        cmd = self._cmd(self._app(source, path, files), net, args)
        return Running(subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True, cwd=ROOT, start_new_session=True))


def _kill_group(proc):
    """Kill the runner and the board it started: no interpreter left behind."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(10)


class Running:
    """An app still running: read its transcript as it comes."""

    def __init__(self, proc):
        self.proc = proc
        self.seen = []
        self._q = queue.Queue()
        self._err = []
        threading.Thread(target=self._pump_out, daemon=True).start()
        threading.Thread(target=self._pump_err, daemon=True).start()

    def _pump_out(self):
        for line in self.proc.stdout:
            self._q.put(line.rstrip("\n"))
        self._q.put(None)  # end of output

    def _pump_err(self):
        for line in self.proc.stderr:
            self._err.append(line.rstrip("\n"))

    def expect(self, pattern, timeout=30):
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern)
        while True:
            left = deadline - time.monotonic()
            try:
                line = self._q.get(timeout=max(left, 0.01))
            except queue.Empty:
                line = False
            if line is None or line is False or left <= 0:
                self.kill()
                raise AssertionError(f"no line matching {pattern!r}; saw:\n" + "\n".join(self.seen)
                                     + "\nstderr:\n" + "\n".join(self._err))
            self.seen.append(line)
            m = rx.search(line)
            if m:
                return m

    def interrupt(self, timeout=20):
        """Ctrl-C the runner, as a user at the terminal would."""
        self.proc.send_signal(signal.SIGINT)
        return self.wait(timeout)

    def wait(self, timeout=30):
        code = self.proc.wait(timeout)
        while True:
            try:
                line = self._q.get(timeout=5)
            except queue.Empty:
                break
            if line is None:
                break
            self.seen.append(line)
        return code

    def kill(self):
        _kill_group(self.proc)  # the board too, even when the runner has gone

    @property
    def stderr(self):
        return "\n".join(self._err)


@pytest.fixture(params=RUNTIMES)
def runtime(request):
    return request.param


@pytest.fixture
def board(tmp_path, runtime):
    b = Board(tmp_path, runtime)
    yield b


class _PeerHandler(socketserver.BaseRequestHandler):
    """Echoes what it gets after telling the client where it came from."""

    def handle(self):
        self.request.settimeout(10)
        self.server.peers.append(self.client_address)
        self.request.sendall(("peer=%s:%d\n" % self.client_address).encode())
        try:
            while True:
                data = self.request.recv(4096)
                if not data:
                    break
                self.request.sendall(data)
        except OSError:
            pass


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@pytest.fixture
def peer_server():
    """A TCP server on 127.0.0.1 (ephemeral port) that greets with the peer address, then echoes."""
    srv = _Server(("127.0.0.1", 0), _PeerHandler)
    srv.peers = []
    t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    t.start()
    yield srv
    srv.shutdown()
    srv.server_close()


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
    return Board(tmp_path, "micropython")
