"""`make bench`: the shim's usocket against the interpreter's own socket on
the MicroPython unix port, side by side in one run. Prints one table and
writes bench/results.json (--quick: bench/out/results-quick.json). See
bench/README.md for what each row does."""

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import fleet
import heap
import hostinfo
import modems
import procs
import report
import startup
import stats
import suite
import workloads

HERE = Path(__file__).resolve().parent


def parse(argv):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--k", type=int, default=10, help="interleaved runs per mode (default 10)")
    p.add_argument("--seconds", type=float, default=1.0, help="length of one rate run (default 1.0)")
    p.add_argument("--clients", type=int, default=1000, help="clients in the held-connections run")
    p.add_argument("--hold-runs", type=int, default=3, help="held-connections runs per mode")
    p.add_argument("--startup-runs", type=int, default=40, help="starts per variant (default 40)")
    p.add_argument("--modem-k", type=int, default=3, help="runs per modem row (default 3)")
    p.add_argument("--modem-seconds", type=float, default=3.0, help="sending time of one modem run (default 3)")
    p.add_argument("--fleet", type=int, default=fleet.BOARDS, metavar="N",
                   help=f"boards in the fleet rows (default {fleet.BOARDS})")
    p.add_argument("--fleet-hold", type=float, default=fleet.HOLD_S, metavar="SECONDS",
                   help=f"how long the held fleet runs (default {fleet.HOLD_S:g})")
    p.add_argument("--pin", action="store_true",
                   help="taskset: server on CPU 0, client on CPU 1 (slower here; see README)")
    p.add_argument("--only", nargs="*", metavar="NAME", help="measure only these (names as in results.json)")
    p.add_argument("--quick", action="store_true", help="tiny counts, a few seconds: a smoke test")
    p.add_argument("--out", type=Path, help="where the results go (default bench/results.json; with --quick "
                                            "bench/out/results-quick.json, which git ignores)")
    a = p.parse_args(argv)
    # A smoke run's numbers are not the machine's: they never replace the tracked results.
    a.out = a.out or (HERE / "out" / "results-quick.json" if a.quick else HERE / "results.json")
    if a.quick:
        a.k, a.seconds, a.clients, a.hold_runs, a.startup_runs = 1, 0.1, 20, 1, 1
        a.modem_k, a.modem_seconds = 1, 0.5
        a.fleet, a.fleet_hold = fleet.QUICK_BOARDS, fleet.QUICK_HOLD_S
    return a


def _progress(name):
    def tick(mode, i, value):
        shown = ", ".join(f"{v:.4g}" for v in value) if isinstance(value, tuple) else f"{value:.4g}"
        print(f"  {name}: {mode} #{i + 1} {shown}", file=sys.stderr, flush=True)
    return tick


def _both(raw, shim, higher=True):
    return {"raw": stats.summary(raw, higher), "shim": stats.summary(shim, higher)}


def _with_value(m, key):
    for side in ("raw", "shim"):
        m[side]["value"] = m[side][key]
    return m


def measure_rate(r, a):
    s = stats.interleave(a.k, r.sample, progress=_progress(r.name))
    m = _with_value(_both(s["raw"], s["shim"]), "best")
    m.update(title=r.title, unit=r.unit, target=dataclasses.asdict(r.target) if r.target else None,
             ratio=stats.ratio(m["shim"]["best"], m["raw"]["best"]),
             ratio_median=stats.ratio(m["shim"]["median"], m["raw"]["median"]))
    m["pass"] = None if not r.target else m["ratio"] >= r.target.value
    return m


def measure_hold(a):
    s = stats.interleave(a.hold_runs, lambda mode: workloads.tcp_hold(mode, a.clients, pin=a.pin),
                         progress=_progress("hold"))
    held = _both([h for h, _ in s["raw"]], [h for h, _ in s["shim"]])
    for side in ("raw", "shim"):  # every run must hold them all: the worst run counts
        held[side]["value"] = min(held[side]["samples"])
    target = suite.held_target(a.clients)
    held.update(title=f"clients held and served (of {a.clients})", unit="clients",
                target=dataclasses.asdict(target),
                ratio=stats.ratio(held["shim"]["value"], held["raw"]["value"]),
                ratio_median=stats.ratio(held["shim"]["median"], held["raw"]["median"]),
                **{"pass": held["raw"]["value"] >= a.clients and held["shim"]["value"] >= a.clients})
    per = _with_value(_both([b for _, b in s["raw"]], [b for _, b in s["shim"]], higher=False), "median")
    per.update(title="server heap per idle connection", unit="bytes",
               target=dataclasses.asdict(suite.HEAP_TARGET),
               ratio=stats.ratio(per["shim"]["value"], per["raw"]["value"]),
               ratio_median=stats.ratio(per["shim"]["median"], per["raw"]["median"]))
    per["pass"] = per["ratio"] <= suite.HEAP_TARGET.value
    return {suite.HELD: held, suite.HEAP: per}


def measure_startup(a, times, heaps):
    """The start-up rows (times) and the boot heap rows (heaps): one pair of
    flashes for both."""
    with startup.Boards() as boards:
        out = measure_heap(boards, a) if heaps else {}
        if not times:
            return out
        s = stats.interleave(a.startup_runs, boards.first_line_ms, modes=startup.VARIANTS,
                             progress=_progress("startup"))
    for variant, name in suite.STARTUP.items():
        m = _with_value(_both(s["bare"], s[variant], higher=False), "best")
        t = suite.STARTUP_TARGET
        m.update(title=f"start-up to first line, shim as .{variant}", unit="ms",
                 target=dataclasses.asdict(t),
                 ratio=stats.ratio(m["shim"]["best"], m["raw"]["best"]),
                 ratio_median=stats.ratio(m["shim"]["median"], m["raw"]["median"]),
                 overhead_ms=m["shim"]["best"] - m["raw"]["best"],
                 overhead_ms_median=m["shim"]["median"] - m["raw"]["median"])
        m["pass"] = m["overhead_ms"] < t.value
        out[name] = m
    return out


def measure_heap(boards, a):
    """The two boot heap rows: deterministic, so a few runs show it stays put."""
    runs = 1 if a.quick else 3
    bare = [heap.bare() for _ in range(runs)]
    out = {}
    for name, title in ((heap.FIRST, "shim heap at the app's first line (.mpy)"),
                        (heap.FIVE, f"heap with {heap.FIVE_NAMES} (.mpy)")):
        m = _with_value(_both(bare, [heap.shim(boards, name) for _ in range(runs)], higher=False), "median")
        t = suite.heap_target(heap.LIMIT[name])
        over = m["shim"]["value"] - m["raw"]["value"]
        m.update(title=title, unit="bytes", target=dataclasses.asdict(t),
                 ratio=stats.ratio(m["shim"]["value"], m["raw"]["value"]),
                 ratio_median=stats.ratio(m["shim"]["median"], m["raw"]["median"]),
                 overhead_bytes=over, **{"pass": over <= t.value})
        out[name] = m
    return out


def measure_modem(name, title, dialect, baud, a):
    """A modem row: "raw" is the line rate (baud / 10 bytes a second), "shim"
    the payload rate the app got through the driver and simulator."""
    tick = _progress(name)
    got = []
    for i in range(a.modem_k):
        got.append(modems.sample(dialect, baud, a.modem_seconds) / 1024)
        tick("payload", i, got[-1])
    line = [baud / 10 / 1024] * len(got)
    m = _with_value(_both(line, got), "best")
    t = suite.Target("ratio", modems.TARGET, f">= {modems.TARGET} of line rate")
    m.update(title=title, unit="KiB/s", target=dataclasses.asdict(t),
             ratio=stats.ratio(m["shim"]["best"], m["raw"]["best"]),
             ratio_median=stats.ratio(m["shim"]["median"], m["raw"]["median"]))
    m["pass"] = m["ratio"] >= t.value
    return m


def main(argv=None):
    a = parse(argv)
    procs.raise_nofile()
    load_before = hostinfo.loadavg()
    wanted = set(a.only or [])
    pick = lambda *names: not wanted or wanted & set(names)  # noqa: E731
    t0 = time.monotonic()
    measurements = {}
    for r in suite.rates(a):
        if pick(r.name):
            measurements[r.name] = measure_rate(r, a)
    if pick(suite.HELD, suite.HEAP):
        measurements.update(measure_hold(a))
    heaps = (heap.FIRST, heap.FIVE)
    if pick(*suite.STARTUP.values(), *heaps):
        measurements.update(measure_startup(a, pick(*suite.STARTUP.values()), pick(*heaps)))
    for name, title, dialect, baud in modems.rows(a):
        if pick(name):
            measurements[name] = measure_modem(name, title, dialect, baud, a)
    if pick(*fleet.NAMES):
        print(f"  fleet: {a.fleet} boards", file=sys.stderr, flush=True)
        measurements.update(fleet.rows(a.fleet, a.fleet_hold))
    machine = dict(hostinfo.describe(), loadavg_1min_start=load_before)
    results = {
        "machine": machine,
        "settings": {"k": a.k, "seconds": a.seconds, "clients": a.clients, "hold_runs": a.hold_runs,
                     "startup_runs": a.startup_runs, "modem_k": a.modem_k,
                     "modem_seconds": a.modem_seconds, "fleet": a.fleet, "fleet_hold_s": a.fleet_hold,
                     "pin": a.pin, "quick": a.quick,
                     "wall_s": round(time.monotonic() - t0, 1)},
        "measurements": measurements,
    }
    report.write_json(results, a.out)
    print(hostinfo.line(machine))
    print(report.table(results))
    print(f"\n{len(measurements)} measurements in {results['settings']['wall_s']} s; shim/raw compares "
          f"each side's best of {a.k} interleaved runs, (median) their medians; results in {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
