"""The benchmark still runs: `bench/run.py --quick` exits 0 and writes every
measurement with numbers. Timings and ratios are never asserted: a benchmark
on a shared machine is not a test."""

import json
import math
import subprocess
import sys
from pathlib import Path

from qpyshim import dialects

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = {
    "tcp_throughput_1k", "tcp_throughput_64k", "tcp_connections", "udp_round_trips",
    "tcp_throughput_1k_recv", "tcp_throughput_64k_recv", "tcp_clients_held",
    "tcp_heap_per_connection", "startup_py", "startup_mpy", "tcp_timed_echo_1k",
    "heap_first_line", "heap_five_modules",
    "fleet_boards_per_gb", "fleet_start_rate", "fleet_held", "fleet_echo_demo",
} | {f"modem_{d}_{b}" for d in dialects.names() for b in (115200, 921600)}


def _number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def test_quick_bench_writes_every_measurement(tmp_path):
    out = tmp_path / "results.json"
    p = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--out", str(out)],
                       capture_output=True, text=True, timeout=150, cwd=ROOT)
    assert p.returncode == 0, p.stdout + p.stderr
    results = json.loads(out.read_text())
    assert set(results["measurements"]) == EXPECTED
    for name, m in results["measurements"].items():
        for side in ("raw", "shim"):
            assert _number(m[side]["value"]), (name, side, m[side])
            assert m[side]["samples"] and all(_number(v) for v in m[side]["samples"]), (name, side)
        assert _number(m["ratio"]), name
    assert {"cpu", "cores", "kernel", "cpython", "micropython", "date"} <= set(results["machine"])
    assert "machine:" in p.stdout
