"""examples/locust: the echo demo as a Locust load, one board per user, run
headless with a master and two workers on loopback for a bounded time: both
workers connect, their users boot boards (each its own identity) and report
boots, echo round trips and ends to the master's statistics. Every process
has a timeout and is killed at the end; no board is left behind."""

import csv
import importlib.util
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.xdist_group("heavy")  # one at a time: see pyproject's addopts

ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = ROOT / "examples" / "locust" / "locustfile.py"
RUN_S = 20  # Locust's --run-time: room for a boot and the demo's first round trip (3 s in) on a loaded machine
WAIT_S = 60  # each process's end, bounded

# find_spec, not an import: importing locust monkey-patches this whole
# process for gevent (threads, sockets), which takes pytest-xdist's worker down
if importlib.util.find_spec("locust") is None:
    pytest.skip("locust is not installed", allow_module_level=True)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _locust(tmp_path, name, *args):
    log = open(tmp_path / f"{name}.log", "w")
    env = dict(os.environ, TMPDIR=str(tmp_path), PYTHONUNBUFFERED="1")
    cmd = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), *args]
    p = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log,
                         stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    return p


def _boards_left(tmp_path):
    left = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/environ", "rb") as f:
                    if str(tmp_path).encode() in f.read():
                        left.append(int(pid))
            except OSError:
                pass
    return left


def test_two_workers_run_boards(tmp_path):
    port = _free_port()
    procs = []
    try:
        procs.append(_locust(tmp_path, "master", "--headless", "--master", "--expect-workers", "2",
                             "--expect-workers-max-wait", "30", "--master-bind-host", "127.0.0.1",
                             "--master-bind-port", str(port), "-u", "4", "-r", "4", "--run-time", f"{RUN_S}s",
                             "--csv", str(tmp_path / "run"), "--only-summary"))
        for i in (1, 2):
            procs.append(_locust(tmp_path, f"worker{i}", "--worker", "--master-host", "127.0.0.1",
                                 "--master-port", str(port)))
        codes = [p.wait(WAIT_S) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(10)
    master = (tmp_path / "master.log").read_text()
    workers = [(tmp_path / f"worker{i}.log").read_text() for i in (1, 2)]
    assert codes == [0, 0, 0], master[-3000:] + "\n".join(w[-2000:] for w in workers)
    assert "2 workers connected" in master

    # each worker's users booted boards of their own: a device number and IMEI each
    imeis = []
    for w in workers:
        found = re.findall(r"qpyshim board dev(\d{4}): IMEI (\d{15})", w)
        assert found, w[-2000:]
        imeis += [imei for _, imei in found]
    assert len(imeis) == 4 and len(set(imeis)) == 4

    with open(tmp_path / "run_stats.csv", newline="") as f:
        stats = {(r["Type"], r["Name"]): r for r in csv.DictReader(f)}
    assert ("board", "boot") in stats, stats.keys()
    boots = stats[("board", "boot")]
    assert int(boots["Request Count"]) >= 4 and int(boots["Failure Count"]) == 0
    # on a loaded machine a demo may not have reached its end within RUN_S: none failed, though
    assert all(int(r["Failure Count"]) == 0 for r in stats.values()), stats
    assert int(stats.get(("line", "echo round trip"), {}).get("Request Count", 0)) >= 1, stats.keys()
    assert _boards_left(tmp_path) == []
    assert not list(tmp_path.glob("qpyshim-locust-*"))
