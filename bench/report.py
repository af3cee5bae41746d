"""The table on stdout and results.json: every measurement with both modes'
samples, best and median, the shim/raw ratio, the target and pass/miss."""

import json
import math

HEADER = ("measurement", "unit", "raw", "shim", "shim/raw", "(median)", "target", "result")


def _num(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    if isinstance(v, int):
        return f"{v:,}"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 100:
        return f"{v:.0f}"
    return f"{v:.2f}" if abs(v) < 10 else f"{v:.1f}"


def _verdict(m):
    if m["pass"] is None:
        return "info"
    extra = ""
    if "overhead_ms" in m:
        extra = f" ({m['overhead_ms']:+.1f} ms, median {m['overhead_ms_median']:+.1f})"
    elif "overhead_bytes" in m:
        extra = f" ({m['overhead_bytes']:+,} bytes)"
    return ("pass" if m["pass"] else "MISS") + extra


def rows(results):
    out = []
    for m in results["measurements"].values():
        label = m["title"]
        out.append((label, m["unit"], _num(m["raw"]["value"]), _num(m["shim"]["value"]),
                    _num(m.get("ratio")), _num(m.get("ratio_median")),
                    m["target"]["text"] if m["target"] else "-", _verdict(m)))
    return out


def table(results):
    body = rows(results)
    widths = [max(len(r[i]) for r in [HEADER, *body]) for i in range(len(HEADER))]
    fmt = lambda r: "  ".join(c.ljust(w) if i in (0, 1, 6, 7) else c.rjust(w)  # noqa: E731
                              for i, (c, w) in enumerate(zip(r, widths)))
    sep = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(HEADER), sep, *map(fmt, body)])


def write_json(results, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    # NaN is not JSON: a missing number is written as null.
    def clean(v):
        if isinstance(v, float) and math.isnan(v):
            return None
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        if isinstance(v, list):
            return [clean(x) for x in v]
        return v

    path.write_text(json.dumps(clean(results), indent=1) + "\n")
