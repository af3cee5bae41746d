"""What the numbers were measured on, for results.json and the table's
first line."""

import datetime
import os
import platform
import subprocess

from procs import MICROPYTHON, ROOT


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _micropython():
    code = ("import sys; v = sys.implementation.version; "
            "print('%d.%d.%d%s (%s)' % (v[0], v[1], v[2], '-' + v[3] if len(v) > 3 and v[3] else '', "
            "sys.version.split('; ', 1)[-1]))")
    out = subprocess.run([str(MICROPYTHON), "-c", code],
                         capture_output=True, text=True, timeout=30)
    return out.stdout.strip() or out.stderr.strip()


def _git():
    """The commit measured, and whether shim/ differed from it: the shim is
    what is under test, and it can change between runs."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, timeout=30).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "shim"], cwd=ROOT,
                               capture_output=True, text=True, timeout=30).stdout.strip()
        return head, bool(dirty)
    except (OSError, subprocess.SubprocessError):
        return None, None


def loadavg():
    """1-minute load average: on 2 cores, anything above ~0 is someone else's
    work sharing the CPUs with the benchmark."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def describe():
    head, dirty = _git()
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "kernel": f"{platform.system()} {platform.release()}",
        "cpython": platform.python_version(),
        "micropython": _micropython(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": head,
        "shim_modified": dirty,
        "loadavg_1min_end": loadavg(),
    }


def line(m):
    commit = (m["commit"] or "?")[:10] + (" +shim edits" if m["shim_modified"] else "")
    return (f"machine: {m['cpu']}, {m['cores']} cores, {m['kernel']}, CPython {m['cpython']}, "
            f"MicroPython {m['micropython']}, {m['date']}, commit {commit}, "
            f"load {_load(m.get('loadavg_1min_start'))} -> {_load(m.get('loadavg_1min_end'))}")


def _load(v):
    return "?" if v is None else f"{v:.2f}"
