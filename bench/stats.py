"""Interleaved sampling and its summary. Raw and shim samples alternate
(raw, shim, raw, shim, ...) so a slow phase of the machine falls on both
sides instead of on one."""

import statistics


def interleave(k, sample, modes=("raw", "shim"), progress=None):
    """{mode: [k samples]}, taking one sample of each mode in turn."""
    out = {m: [] for m in modes}
    for i in range(k):
        for m in modes:
            out[m].append(sample(m))
            if progress:
                progress(m, i, out[m][-1])
    return out


def summary(samples, higher_is_better=True):
    """Best and median of one side's samples. The best is the run least
    disturbed by the rest of the machine: interference only ever slows a run
    down, so the fastest run is the closest to what the code itself costs."""
    best = max(samples) if higher_is_better else min(samples)
    return {"samples": samples, "best": best, "median": statistics.median(samples)}


def ratio(a, b):
    return a / b if b else float("nan")
