"""Fleet rows: `qpyshim fleet` with the echo demo's code (examples/echo_demo)
as N boards under one supervisor (qpyshim.fleet.Fleet, the command's own
code), started with no rate bound (each board as soon as the supervisor can).

Two runs:
* held: the note's own echo app (echo_demo/note.py, whose client echoes once
  a second until stopped) for HOLD_S, then every board gets a Ctrl-C. Rows:
  - boards per GB: the supervisor's and every board process's memory, read
    from /proc every SAMPLE_S; the heaviest sample's live boards over its
    sum in GB (10^9 bytes). The value is the RSS sum (shared pages counted in
    each process); the PSS sum (shared pages split among their users: what
    the boards cost together) is in `boards_per_gb_pss`.
  - boards started per second: N over the time from the first board's
    power-on to the last board's first printed line (the flash layout and
    the shim's one .mpy compile before it are not counted).
  - boards up at once: the most board processes alive in one sample (target:
    all N), with the fleet's echo round trips a second once all were up.
* raw: the interpreter alone (no shim, no app, no supervisor), N at once:
  started per second to a first line, and processes per GB of RSS; for the
  two count rows raw is N (the target).
* demo: `make run`'s bounded demo (three round trips, then the app ends):
  how many boards ran it to the end (target: all N, 0 failed), and how many
  were up at once (each lives ~5 s, so the last start overlaps the first end).

    .venv/bin/python bench/fleet.py [N [HOLD_S]]     # prints the rows
"""

import io
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "examples" / "echo_demo"  # `make run`'s demo: three round trips, then the app ends
HELD_APP = APP / "note.py"  # the note's own code: its client echoes once a second until stopped
BOARDS = 200
HOLD_S = 20.0  # how long the held fleet runs from its start (then every board gets a Ctrl-C)
QUICK_BOARDS, QUICK_HOLD_S = 5, 6.0
SAMPLE_S = 0.25
PSS_EVERY_S = 2.0
BARE_S = 120  # the bare interpreters' start, bounded
NAMES = ("fleet_boards_per_gb", "fleet_start_rate", "fleet_held", "fleet_echo_demo")


PAGE = os.sysconf("SC_PAGE_SIZE")


def _rss(pid):
    """Resident bytes of a live process (/proc/PID/statm: cheap), else None
    (gone, or a zombie not yet reaped)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            if f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X"):
                return None
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return None


def _pss(pid):
    """Proportional set size in bytes (smaps_rollup walks every mapping:
    read only at the heaviest samples), else None."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        return None
    return None


class Sampler(threading.Thread):
    """The heaviest moment of the fleet, the supervisor (this process)
    included: peak = (boards, rss sum), peak_pss = (boards, pss sum) (read
    less often), most = the most boards alive in one sample."""

    def __init__(self, fleet):
        super().__init__(daemon=True)
        self.fleet = fleet
        self.done = threading.Event()
        self.peak = (0, 0)
        self.peak_pss = (0, 0)
        self.most = 0
        self._pss_at = 0.0

    def run(self):
        me = os.getpid()
        while not self.done.wait(SAMPLE_S):
            pids = list(self.fleet.pids().values())
            if not pids:
                continue
            live = [(p, r) for p in pids for r in (_rss(p),) if r is not None]
            self.most = max(self.most, len(live))
            rss = sum(r for _, r in live) + (_rss(me) or 0)
            if rss <= self.peak[1]:
                continue
            self.peak = (len(live), rss)
            now = time.monotonic()
            if now - self._pss_at >= PSS_EVERY_S or len(live) > self.peak_pss[0]:
                self._pss_at = now
                pss = sum(q for p, _ in live for q in (_pss(p),) if q is not None) + (_pss(me) or 0)
                if pss > self.peak_pss[1]:
                    self.peak_pss = (len(live), pss)


def run(count, app, duration=None, transcript=None):
    """One fleet run of `count` boards; a dict of what it measured."""
    sys.path.insert(0, str(ROOT))
    from qpyshim import fleet as fleet_mod

    first = {}
    echoes = []  # (board, when) each client round trip ended (the app's "recv data" line)

    def on_line(n, text):
        now = time.monotonic()
        first.setdefault(n, now)
        if text.startswith("[client] recv data"):
            echoes.append((n, now))

    def on_event(n, what, detail):
        if what == "boot" and not boots:
            boots.append(time.monotonic())  # the first board's power-on: the layout before it is not counted

    boots = []
    out = transcript if transcript is not None else io.StringIO()
    f = fleet_mod.Fleet(str(app), count, rate=float("inf"), duration=duration, out=out, on_line=on_line,
                        on_event=on_event)
    sampler = Sampler(f)
    sampler.start()
    try:
        s = f.run()
    finally:
        sampler.done.set()
        sampler.join(10)
    boards, rss = sampler.peak
    pss_boards, pss = sampler.peak_pss
    up = max(first.values()) if len(first) == count else None
    # round trips a second once every board echoes: from the last board's first echo on
    firsts = {}
    for n, t in echoes:
        firsts.setdefault(n, t)
    since = max(firsts.values()) if len(firsts) == count else None
    steady = [t for _, t in echoes if since is not None and t >= since]
    return {"boards": count, "summary": s.as_dict(), "peak_sample_boards": boards, "most": sampler.most,
            "pss_boards": pss_boards,
            "rss_bytes": rss, "pss_bytes": pss, "up_s": (up - boots[0]) if up is not None and boots else float("nan"),
            "first_lines": len(first),
            "echo_per_s": (len(steady) - 1) / (steady[-1] - since) if len(steady) > 1 and steady[-1] > since
            else float("nan")}


BARE = 'import sys\nprint("up")\nsys.stdin.read()\n'  # up, then idle until its stdin closes


def bare(count):
    """The interpreter alone, `count` at once, started as the fleet starts its
    boards: (processes started per second to their first line, processes per
    GB of RSS with all of them up)."""
    import selectors
    import subprocess

    sys.path.insert(0, str(ROOT))
    from qpyshim import runner

    cmd = [*runner.launch(runner.interpreter("micropython")), "-c", BARE]
    procs, sel = [], selectors.DefaultSelector()
    t0 = time.monotonic()
    try:
        for _ in range(count):
            p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=True)
            procs.append(p)
            sel.register(p.stdout, selectors.EVENT_READ, p)
        waiting = set(procs)
        deadline = t0 + BARE_S
        while waiting:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError(f"{len(waiting)} of {count} bare interpreters did not start in {BARE_S} s")
            for key, _ in sel.select(left):
                key.fileobj.readline()
                sel.unregister(key.fileobj)
                waiting.discard(key.data)
        up = time.monotonic() - t0
        rss = sum(_rss(p.pid) or 0 for p in procs)
        return count / up, count / (rss / 1e9)
    finally:
        sel.close()
        for p in procs:
            p.stdin.close()
        for p in procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            p.stdout.close()


def _row(title, unit, raw, value, target, ok, **extra):
    side = lambda v: {"samples": [v], "best": v, "median": v, "value": v}  # noqa: E731  one run each
    ratio = value / raw if raw else float("nan")
    return dict({"raw": side(raw), "shim": side(value), "title": title, "unit": unit, "target": target,
                 "ratio": ratio, "ratio_median": ratio, "pass": ok}, **extra)


def rows(count=BOARDS, hold_s=HOLD_S):
    """The rows of results.json: a fleet of the note's endless echo held for
    hold_s (memory, start rate, boards at once), then the bounded demo
    (every board runs it to its end)."""
    bare_rate, bare_per_gb = bare(count)
    held = run(count, HELD_APP, duration=hold_s)
    demo = run(count, APP)
    hs, ds = held["summary"], demo["summary"]
    gb = held["rss_bytes"] / 1e9
    per_gb = held["peak_sample_boards"] / gb if gb else float("nan")
    per_gb_pss = held["pss_boards"] / (held["pss_bytes"] / 1e9) if held["pss_bytes"] else float("nan")
    up = held["up_s"]
    rate = count / up if up == up and up > 0 else float("nan")
    return {
        "fleet_boards_per_gb": _row(
            f"fleet: boards per GB, RSS sum (supervisor + {held['peak_sample_boards']} echo boards)", "boards/GB",
            bare_per_gb, per_gb, None, None, boards_per_gb_pss=per_gb_pss, rss_bytes=held["rss_bytes"],
            pss_bytes=held["pss_bytes"], rss_per_board_mb=held["rss_bytes"] / max(1, held["peak_sample_boards"]) / 1e6,
            pss_per_board_mb=held["pss_bytes"] / max(1, held["pss_boards"]) / 1e6),
        "fleet_start_rate": _row(
            f"fleet: boards started per second (all {count} to their first line)", "boards/s",
            bare_rate, rate, None, None, up_s=up),
        "fleet_held": _row(
            f"fleet: note's echo boards up at once (of {count}, {hold_s:g} s)", "boards",
            count, held["most"], {"kind": "held", "value": count, "text": f"{count} at once"},
            held["most"] == count and hs["failed"] == 0, echo_round_trips_per_s=held["echo_per_s"], summary=hs),
        "fleet_echo_demo": _row(
            f"fleet: echo demo boards run to the end (of {count})", "boards",
            count, ds["ok"], {"kind": "held", "value": count, "text": f"{count}, 0 failed"},
            ds["ok"] == count and ds["failed"] == 0, at_once=demo["most"], summary=ds),
    }


def main(argv):
    count = int(argv[0]) if argv else BOARDS
    hold_s = float(argv[1]) if len(argv) > 1 else HOLD_S
    for name, r in rows(count, hold_s).items():
        extra = {k: v for k, v in r.items() if k not in ("raw", "shim", "title", "unit", "target",
                                                          "ratio", "ratio_median")}
        print(f"{name}: {r['shim']['value']:.4g} {r['unit']} (raw {r['raw']['value']:.4g})  {r['title']}  {extra}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
