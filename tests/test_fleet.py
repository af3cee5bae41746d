"""`qpyshim fleet N APP`: N boards under one supervisor, each with its own
identity and loopback block, one prefixed transcript, per-device control on
stdin, a summary, and nothing left running or on disk afterwards."""

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from qpyshim import fleet, fleetboard

pytestmark = pytest.mark.xdist_group("heavy")  # one at a time: see pyproject's addopts

ROOT = Path(__file__).resolve().parent.parent
RUN_S = 60  # a fleet run here takes a few seconds; this bounds a broken one

# Prints its identity and boot reason, waits for the network, then until its
# data call drops (or 60 s pass).
PROBE = """\
import checkNet, dataCall, modem, misc, sim, utime
print('id', modem.getDevImei(), sim.getIccid(), sim.getImsi(), 'reason', misc.Power.powerOnReason())
stage, state = checkNet.waitNetworkReady(30)
got = []


def cb(args):
    got.append(args)
    print('datacall', args[0], args[1])


dataCall.setCallback(cb)
print('ready', stage, state, dataCall.getInfo(1, 0)[2][2])
deadline = utime.ticks_add(utime.ticks_ms(), 60000)
while not got and utime.ticks_diff(deadline, utime.ticks_ms()) > 0:
    utime.sleep_ms(50)
print('done')
"""


def _luhn_ok(digits):
    return fleetboard.luhn(digits[:-1]) == digits[-1]


def test_identity_patterns():
    assert fleetboard.luhn("86632704083031") == "7"  # the board config's own IMEI, 866327040830317
    cfg = fleetboard.identity({"modem": {}, "sim": {}}, 7)
    assert cfg["modem"]["imei"] == "86632704000007" + fleetboard.luhn("86632704000007")
    assert len(cfg["modem"]["imei"]) == 15 and len(cfg["sim"]["iccid"]) == 20 and len(cfg["sim"]["imsi"]) == 15
    assert _luhn_ok(cfg["sim"]["iccid"])
    mine = {"modem": {}, "sim": {}, "fleet": {"identity": {"sim.phone": "+1555{n:04d}", "modem.sn": "SAME"}}}
    cfg = fleetboard.identity(mine, 42)
    assert cfg["sim"]["phone"] == "+15550042" and cfg["modem"]["sn"] == "SAME"
    with pytest.raises(fleet.FleetError, match=r"fleet\.identity\.sim\.imsi"):
        fleetboard.identity({"fleet": {"identity": {"sim.imsi": "460{m}"}}}, 1)


def _env(tmp_path):
    # The fleet's flash folders go under tmp_path: whatever is left is seen there.
    return dict(os.environ, TMPDIR=str(tmp_path), PYTHONUNBUFFERED="1")


def _fleet(tmp_path, *args, stdin=subprocess.DEVNULL):
    return subprocess.Popen([sys.executable, "-m", "qpyshim", "fleet", *map(str, args)], cwd=ROOT,
                            env=_env(tmp_path), stdin=stdin, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


def _left(tmp_path):
    """Processes still running with a flash folder under tmp_path, and folders left there."""
    procs = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                if str(tmp_path).encode() in f.read():
                    procs.append(int(pid))
        except OSError:
            pass
    return procs, sorted(p.name for p in tmp_path.glob("qpyshim-fleet-*"))


def _wait_clean(tmp_path, deadline_s=15):
    # The lifeline watcher removes the folder after a SIGKILL, in its own time.
    deadline = time.monotonic() + deadline_s
    while _left(tmp_path) != ([], []) and time.monotonic() < deadline:
        time.sleep(0.05)
    return _left(tmp_path)


class Lines:
    """The supervisor's output, line by line, with a deadline on each wait."""

    def __init__(self, proc):
        self.proc = proc
        self.q = queue.Queue()
        self.seen = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in self.proc.stdout:
            self.q.put(line.rstrip("\n"))
        self.q.put(None)

    def expect(self, pattern, timeout=RUN_S):
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.q.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if line is None:
                raise AssertionError(f"no line matching {pattern!r}; got:\n" + "\n".join(self.seen[-40:]))
            self.seen.append(line)
            m = re.search(pattern, line)
            if m:
                return m

    def rest(self, timeout=RUN_S):
        deadline = time.monotonic() + timeout
        while True:
            line = self.q.get(timeout=max(0.01, deadline - time.monotonic()))
            if line is None:
                return
            self.seen.append(line)


def _kill(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)


def test_echo_demo_fleet_runs_every_board_to_its_end(tmp_path):
    summary = tmp_path / "summary.json"
    p = subprocess.run([sys.executable, "-m", "qpyshim", "fleet", "5", "examples/echo_demo", "--rate", "50",
                        "--summary", str(summary)], cwd=ROOT, env=_env(tmp_path), stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=RUN_S)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr
    lines = p.stdout.splitlines()
    *body, last = lines
    assert all(re.match(r"\[dev00[1-5]\] ", line) for line in body), [x for x in body if not x.startswith("[dev")]
    for n in range(1, 6):
        assert f"[dev00{n}] [client] disconnected." in lines
        assert sum(line.startswith(f"[dev00{n}] [client] recv data: b'1234567890'") for line in lines) == 3
    # each board served on its own block's address, the same remapped port on each
    binds = set(re.findall(r"bind address: (127\.\d+\.\d+\.1), 80", p.stdout))
    assert len(binds) == 5
    assert last.startswith("qpyshim: fleet: 5 boards, 5 ran, 5 ok, 0 failed, 0 restarted")
    s = json.loads(summary.read_text())
    assert (s["boards"], s["ran"], s["ok"], s["failed"], s["restarts"]) == (5, 5, 5, 0, 0)
    assert _left(tmp_path) == ([], [])


def test_identities_drop_and_restart_one_board(tmp_path):
    app = tmp_path / "probe.py"
    app.write_text(PROBE)
    net = tmp_path / "net.json"  # the user's own IMEI range; the other patterns are the defaults
    net.write_text(json.dumps({"fleet": {"identity": {"modem.imei": "3548{n:010d}{luhn}"}}}))
    proc = _fleet(tmp_path, 4, app, "--rate", "50", "--net", net, stdin=subprocess.PIPE)
    out = Lines(proc)
    try:
        ids, ready = {}, set()
        while len(ready) < 4:
            m = out.expect(r"^\[dev00(\d)\] (id (\d+) (\d+) (\d+) reason 1|ready 3 1 (127\.\S+))$")
            if m.group(3):
                ids[int(m.group(1))] = m.group(3, 4, 5)
            else:
                ready.add(int(m.group(1)))
        imeis, iccids, imsis = zip(*ids.values())
        assert len(set(imeis)) == len(set(iccids)) == len(set(imsis)) == 4
        assert all(len(x) == 15 and x.startswith("3548") and _luhn_ok(x) for x in imeis)
        assert ids[3][0] == "354800000000039"  # 3548 0000000003, Luhn 9
        assert all(_luhn_ok(x) for x in iccids)

        proc.stdin.write("drop 2\n")
        proc.stdin.flush()
        out.expect(r"^\[dev002\] datacall 1 0$")
        out.expect(r"^\[dev002\] done$")

        proc.stdin.write("restart 3\n")
        proc.stdin.flush()
        out.expect(r"^\[dev003\] qpyshim: the board restarts$")
        m = out.expect(r"^\[dev003\] id (\d+) \d+ \d+ reason (\d)$")
        assert (m.group(1), m.group(2)) == (ids[3][0], "2")  # the same board, booted by a reset
        out.expect(r"^\[dev003\] ready 3 1")

        proc.stdin.write("restart 9\nquit\n")
        proc.stdin.flush()
        out.expect(r"no device 9")
        m = out.expect(r"^qpyshim: fleet: 4 boards")
        assert "4 ran, 4 ok, 0 failed, 1 restarted (dev003)" in m.string
        out.rest()
        assert proc.wait(RUN_S) == 0
    finally:
        _kill(proc)
    assert "[dev001] done" not in out.seen  # the others were stopped, never dropped
    assert _left(tmp_path) == ([], [])


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_a_stopped_supervisor_leaves_nothing(tmp_path, how):
    app = tmp_path / "probe.py"
    app.write_text(PROBE)
    proc = _fleet(tmp_path, 3, app, "--rate", "50")
    out = Lines(proc)
    try:
        for _ in range(3):
            out.expect(r"^\[dev00\d\] ready")
        assert len(_left(tmp_path)[0]) >= 3  # the supervisor and its boards
        proc.send_signal(how)
        assert proc.wait(RUN_S) == (143 if how == signal.SIGTERM else -how)
    finally:
        _kill(proc)
    assert _wait_clean(tmp_path) == ([], [])


def test_python_api_drives_boards(tmp_path, monkeypatch):
    """Fleet in this process: on_line sees each line; drop, restart and quit
    are called from it (they are queued to the supervisor's loop)."""
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    app = tmp_path / "probe.py"
    app.write_text(PROBE)
    seen = []

    def on_line(n, text):
        seen.append((n, text))
        if n == 1 and text.startswith("ready"):
            f.drop(1)
        elif n == 1 and text == "done":
            f.restart(2)
        elif n == 2 and text.endswith("reason 2"):
            f.quit()

    f = fleet.Fleet(str(app), 3, rate=50, out=open(os.devnull, "w"), on_line=on_line)
    s = f.run()
    assert (1, "datacall 1 0") in seen
    assert (s.count, s.ran, s.ok, s.failed, s.restarts, s.restarted) == (3, 3, 3, [], 1, [(2, 1)])
    assert _left(tmp_path) == ([], [])
