"""Nothing outlives its parent (issue 14, item 2): SIGTERM, SIGHUP, SIGINT
and SIGKILL to `qpyshim run`, `qpyshim board` and `qpyshim modem`, sent to
the command's own pid (a supervisor's kill, an IDE's stop button, a CI
cancel), not to its process group. After each: no process of the command is
left (every process it started inherits a marker in its environment), the
app's port refuses connections, no temporary folder (TMPDIR is the test's
own) and no link is left, and the command ends with its documented status:

| command | SIGINT | SIGTERM | SIGHUP |
| run     | the app's status (0 here: it got the Ctrl-C), 130 if no app did | 143 | 129 |
| board   | 0 (its "stop: Ctrl-C") | 0 (documented, tests/test_vboard.py) | 129 |
| modem   | 0 (its "serve until Ctrl-C") | 143 | 129 |

Before, `run` left its temporary flash on SIGTERM, SIGHUP and SIGKILL and
died of the signal itself; `board` and `modem` left their link (and
`board` its temporary flash) on SIGHUP and SIGKILL, `modem` also on
SIGTERM and Ctrl-C."""

import json
import os
import re
import signal
import socket
import subprocess
import time
import uuid

import pytest

from conftest import QPYSHIM, ROOT, TEST_NET, free_port, processes_with
from qpyshim import dialects
from qpyshim.testing import AppProcess

ONE = dialects.names()[0]  # the signal handling is the same for every dialect

SIGNALS = [signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGKILL]
IDS = ["TERM", "HUP", "INT", "KILL"]
START_S = 30  # an interpreter's start on a loaded 2-core CI machine
GONE_S = 10  # the command's clean-up: the board's power-off grace (3 s) and the simulator's join

# Serves one TCP port on loopback and idles: the port tells whether the
# board is still up. usocket is the module QuecPython apps use.
RUN_APP = """
import usocket, utime, checkNet
checkNet.waitNetworkReady(30)  # a modem's own stack serves once its link is up
s = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM)
s.setsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', {port}))
s.listen(1)
print('serving')
while True:
    utime.sleep_ms(200)
"""

# `qpyshim board` runs the bare unix port: its own socket module.
BOARD_MAIN = """
import socket, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(socket.getaddrinfo('127.0.0.1', {port})[0][-1])
s.listen(1)
while True:
    time.sleep_ms(200)
"""


class Command(AppProcess):
    def __init__(self, tmp_path, args, stdin=None):
        self.mark = uuid.uuid4().hex
        self.tmp = tmp_path / "tmp"  # the command's TMPDIR: what it leaves there is seen
        self.tmp.mkdir()
        env = dict(os.environ, QPYSHIM_SIGTEST=self.mark, TMPDIR=str(self.tmp))
        # A session of its own (qpyshim.testing): the signal goes to its pid
        # alone, as a supervisor's does; the session keeps a terminal's out of it.
        super().__init__(QPYSHIM + args, cwd=ROOT, env=env, stdin=stdin, timeout=START_S)

    @property
    def lines(self):
        return self.transcript

    def expect(self, pattern, timeout=START_S):
        """A line matching pattern, printed before now or within timeout."""
        for line in self.transcript:
            m = re.search(pattern, line)
            if m:
                return m
        return super().expect(pattern, timeout)

    def processes(self):
        """Every live process the command started (or itself): the marker
        is in the environment each inherits."""
        return processes_with("QPYSHIM_SIGTEST", self.mark)

    def leftovers(self):
        return sorted(p.name for p in self.tmp.iterdir())

    def kill_all(self):
        for pid in self.processes():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)


def _serving(port):
    """Only a refusal says nobody listens: a connect that times out met a
    listener whose backlog is full."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except ConnectionRefusedError:
        return False
    except OSError:
        return True


def _wait_serving(port, cmd):
    deadline = time.monotonic() + START_S
    while not _serving(port):
        assert time.monotonic() < deadline, "the app never served its port:\n" + "\n".join(cmd.lines)
        time.sleep(0.05)  # polling the port with a deadline, not a synchronisation


def _stop_and_check(cmd, sig, status, port=None, links=()):
    """Signal the command's pid; then nothing of it may be left."""
    assert cmd.processes(), "the command should be running"
    os.kill(cmd.proc.pid, sig)
    try:
        code = cmd.proc.wait(GONE_S)
    except subprocess.TimeoutExpired:
        cmd.kill_all()
        pytest.fail(f"{sig.name} did not end the command within {GONE_S} s:\n" + "\n".join(cmd.lines))
    # The command has ended; what it started goes with it, and the kernel
    # (the parent-death signal) or the watcher may take a moment after a
    # SIGKILL: wait for that, bounded.
    deadline = time.monotonic() + GONE_S
    while (cmd.processes() or cmd.leftovers() or any(os.path.lexists(p) for p in links)
           or (port is not None and _serving(port))) and time.monotonic() < deadline:
        time.sleep(0.05)
    left, files = cmd.processes(), cmd.leftovers()
    serving = port is not None and _serving(port)
    linked = [str(p) for p in links if os.path.lexists(p)]
    cmd.kill_all()
    transcript = "\n".join(cmd.lines)
    assert left == [], f"processes left after {sig.name}: {left}\n{transcript}"
    assert not serving, f"port {port} still served after {sig.name}\n{transcript}"
    assert files == [], f"temporary files left after {sig.name}: {files}\n{transcript}"
    assert linked == [], f"links left after {sig.name}: {linked}\n{transcript}"
    if sig != signal.SIGKILL:
        assert code == status, f"{sig.name}: status {code}, expected {status}\n{transcript}"
    assert "Traceback" not in transcript, transcript


RUN_STATUS = {signal.SIGTERM: 143, signal.SIGHUP: 129}


@pytest.mark.parametrize("sig", SIGNALS, ids=IDS)
@pytest.mark.parametrize("variant", ["micropython", "cpython", "modem+uart"])
def test_run_stops_everything_on_a_signal(tmp_path, variant, sig):
    """`qpyshim run` without --flash: the board, its port, its temporary
    flash, the modem simulator and the UART relay all go."""
    port = free_port()
    app = tmp_path / "app.py"
    app.write_text(RUN_APP.format(port=port))
    net = tmp_path / "net.json"
    net.write_text(json.dumps(TEST_NET))
    args = ["run", "--net", str(net)]
    if variant == "modem+uart":
        # A modem driver carries the app's sockets over the pty: a port
        # on loopback served through the simulator.
        args += ["--runtime", "micropython", "--modem", ONE, "--uart", "2"]
    else:
        args += ["--runtime", variant]
    cmd = Command(tmp_path, args + [str(app)])
    try:
        cmd.expect("^serving$")
        if variant == "modem+uart":
            cmd.expect(r"UART2 is /dev/")
        _wait_serving(port, cmd)
    except BaseException:
        cmd.kill_all()
        raise
    # Ctrl-C reaches an app that is up: the app's own status, 0 for one that
    # just stops (shim/README.md: 130 only when no app got the Ctrl-C).
    status = RUN_STATUS.get(sig, 0)
    _stop_and_check(cmd, sig, status, port=port)


@pytest.mark.parametrize("sig", SIGNALS, ids=IDS)
@pytest.mark.parametrize("flash", ["own", "temporary"])
def test_board_stops_everything_on_a_signal(tmp_path, flash, sig):
    """`qpyshim board --link PATH`: its interpreter (in a session of its own
    on its own pty), the link and, without --dir, its temporary flash go."""
    link = tmp_path / "board-link"
    args = ["board", "--link", str(link)]
    port = None
    if flash == "own":
        port = free_port()
        d = tmp_path / "flash"
        d.mkdir()
        (d / "main.py").write_text(BOARD_MAIN.format(port=port))
        args += ["--dir", str(d)]
    cmd = Command(tmp_path, args)
    try:
        cmd.expect(r"^qpyshim board: /dev/")
        assert os.path.islink(link)
        if port is not None:
            _wait_serving(port, cmd)
        else:
            cmd.expect(r"^  flash: ")
    except BaseException:
        cmd.kill_all()
        raise
    status = {signal.SIGTERM: 143, signal.SIGHUP: 129}.get(sig, 0)
    _stop_and_check(cmd, sig, status, port=port, links=[link])


@pytest.mark.parametrize("sig", SIGNALS, ids=IDS)
@pytest.mark.parametrize("line", ["pty", "tcp"])
def test_modem_stops_everything_on_a_signal(tmp_path, line, sig):
    """`qpyshim modem DIALECT`: the simulator, its TCP port or its pty and
    link go. Standard input stays open: it serves until stopped."""
    link = tmp_path / "modem-link"
    args = ["modem", ONE] + (["--link", str(link)] if line == "pty" else ["--tcp", "0"])
    cmd = Command(tmp_path, args, stdin=subprocess.PIPE)
    port = None
    try:
        m = cmd.expect(r" modem on (\S+?);")
        if line == "tcp":
            port = int(m.group(1).rsplit(":", 1)[1])
            _wait_serving(port, cmd)
        else:
            assert os.path.islink(link)
    except BaseException:
        cmd.kill_all()
        raise
    status = {signal.SIGTERM: 143, signal.SIGHUP: 129}.get(sig, 0)
    try:
        _stop_and_check(cmd, sig, status, port=port, links=[link] if line == "pty" else [])
    finally:
        cmd.proc.stdin.close()


def test_a_run_that_ends_leaves_nothing_and_a_users_flash_survives_a_kill(tmp_path):
    """The watcher that cleans up after a SIGKILLed command (qpyshim/lifeline.py)
    ends with a run that ends by itself, removing nothing of the user's: a
    --flash folder is the user's board and survives even SIGKILL. (Guards
    against the clean-up going too far: these held before too.)"""
    app = tmp_path / "app.py"
    app.write_text("print('done')\n")
    cmd = Command(tmp_path, ["run", str(app)])
    try:
        assert cmd.proc.wait(START_S) == 0, "\n".join(cmd.lines)
        deadline = time.monotonic() + GONE_S
        while (cmd.processes() or cmd.leftovers()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert cmd.processes() == [] and cmd.leftovers() == []
    finally:
        cmd.kill_all()

    port = free_port()
    app.write_text(RUN_APP.format(port=port))
    flash = tmp_path / "flash"
    (tmp_path / "again").mkdir()
    cmd = Command(tmp_path / "again", ["run", "--flash", str(flash), str(app)])
    try:
        cmd.expect("^serving$")
        _wait_serving(port, cmd)
    except BaseException:
        cmd.kill_all()
        raise
    _stop_and_check(cmd, signal.SIGKILL, None, port=port)
    assert (flash / "usr" / "main.py").read_text() == app.read_text()  # the user's flash is kept
