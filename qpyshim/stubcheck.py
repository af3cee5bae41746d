"""Compare the shim with QuecPython's published type stubs
(qpyshim/data/quecpython-signatures.json: the signatures, defaults and
constants of QuecPython/quecpython_api_stubs at 6fd5ca9, the official stubs
whose docstrings come from python.quectel.com/doc): every function, class, method and constant the stubs name
must exist, and every call the stubs allow must be one the shim accepts -
same parameter names in the same order, the same defaults, nothing more
required. Parameters the shim adds with defaults are listed as extensions,
not mismatches.

MicroPython cannot introspect parameters, so the shim is loaded on CPython
(its CPython port) in a child process and read with `inspect`.

    qpyshim stubcheck            print the report; exit 1 on a mismatch
    qpyshim stubcheck --write    also refresh the report in shim/README.md
"""

import argparse
import ast
import inspect
import json
import subprocess
import sys

from . import paths

# Shipped with the package, so every clone and install checks itself; to
# follow a newer stubs release, regenerate it from the stubs' .pyi files.
SPEC = paths.data("quecpython-signatures.json")
README = paths.SHIM / "README.md"
BEGIN, END = "<!-- stubcheck:begin -->", "<!-- stubcheck:end -->"

# What the shim leaves out on purpose, with the reason the report gives.
NOT_PROVIDED = {
    "machine": {
        "I2C": "bus peripherals: no desktop stand-in yet",
        "I2C_simulation": "bus peripherals: no desktop stand-in yet",
        "SPI": "bus peripherals: no desktop stand-in yet",
        "SoftSPI": "bus peripherals: no desktop stand-in yet",
        "LCD": "display driver: no desktop stand-in",
        "KeyPad": "matrix keypad driver: no desktop stand-in",
        "OneWire": "bus peripherals: no desktop stand-in yet",
    },
    "uos": {
        "VfsFat": "SD card over SPI: no desktop stand-in",
        "VfsSd": "SD card: no desktop stand-in",
        "VfsLfs1": "external SPI flash: no desktop stand-in",
        "VfsEmmc": "eMMC: no desktop stand-in",
        "set_det": "SD card detection pin: no desktop stand-in",
        "set_callback": "SD card hot-plug: no desktop stand-in",
    },
    "sim": {"esim": "eSIM profile management: the simulated card is a plain SIM"},
}


# Stub methods the shim provides as properties, as the module's source does
# (`for chunk in response.content`); any other property is a mismatch.
PROPERTIES = {("request", "Response.content"), ("request", "Response.text")}


def _default(text, scope):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        for s in scope:
            if hasattr(s, text):
                return getattr(s, text)
        raise LookupError(text) from None


def _params(obj, method):
    raw = inspect.getattr_static(obj[0], obj[1]) if isinstance(obj, tuple) else obj
    if raw is object.__init__:
        return []  # no __init__ of its own: the class takes no arguments
    if isinstance(raw, property):
        return "property"
    fn = raw.__func__ if isinstance(raw, (staticmethod, classmethod)) else raw
    if inspect.isclass(fn):
        fn = fn.__init__
        method = True
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return "native"
    ps = list(sig.parameters.values())
    if method and ps and ps[0].name in ("self", "cls") and not isinstance(raw, staticmethod):
        ps = ps[1:]
    return ps


def _compare(stub, obj, method, scope, prop_ok=False):
    """(mismatches, extensions, note) of one callable against its stub."""
    want = [p for p in stub["params"] if not (method and p["name"] == "self")]
    if want and all(p["name"].startswith("*") for p in want):
        return [], [], "the stub leaves the parameters open (*args, **kwargs)"
    have = _params(obj, method)
    if have == "native":
        return [], [], "the interpreter's own (parameters not introspectable)"
    if have == "property":
        if prop_ok and not want:
            return [], [], "a property, as in the module's source"
        return ["is a property, the stub's is a method"], [], None
    bad, ext = [], []
    P = inspect.Parameter
    positional = [p for p in have if p.kind in (P.POSITIONAL_ONLY, P.POSITIONAL_OR_KEYWORD)]
    var_pos = any(p.kind == P.VAR_POSITIONAL for p in have)
    var_kw = any(p.kind == P.VAR_KEYWORD for p in have)
    i = 0
    for w in want:
        name = w["name"]
        if name.startswith("**"):
            if not var_kw:
                bad.append(f"takes no {name}")
            continue
        if name.startswith("*"):
            if not var_pos:
                bad.append(f"takes no {name}")
            continue
        if i >= len(positional):
            bad.append(f"has no parameter {name!r} (position {i + 1})")
            i += 1
            continue
        h = positional[i]
        i += 1
        if h.name != name:
            bad.append(f"parameter {i} is {h.name!r}, the stub's is {name!r}")
        elif h.kind == P.POSITIONAL_ONLY:
            bad.append(f"{name!r} is positional-only; the stub lets it be passed by name")
        if w.get("default") is None:
            if h.default is not P.empty:
                ext.append(f"{h.name}={h.default!r} is optional (required in the stub)")
            continue
        try:
            d = _default(w["default"], scope)
        except LookupError:
            bad.append(f"default {w['default']} of {name!r} is not a name the shim defines")
            continue
        if h.default is P.empty:
            bad.append(f"{name!r} is required; the stub's default is {w['default']}")
        elif h.default != d or type(h.default) is not type(d):
            bad.append(f"default of {name!r} is {h.default!r}, the stub's is {w['default']}")
    for h in positional[i:]:
        if h.default is P.empty:
            bad.append(f"requires {h.name!r}, which the stub does not have")
        else:
            ext.append(f"adds {h.name}={h.default!r}")
    for h in have:
        if h.kind == P.KEYWORD_ONLY:
            (bad if h.default is P.empty else ext).append(
                f"{'requires' if h.default is P.empty else 'adds'} keyword {h.name}")
        elif h.kind in (P.VAR_POSITIONAL, P.VAR_KEYWORD) and not any(
                w["name"].lstrip("*") == h.name for w in want):
            ext.append(f"adds {'*' if h.kind == P.VAR_POSITIONAL else '**'}{h.name}")
    return bad, ext, None


def _item(items, kind, name, bad=(), ext=(), note=None, missing=False, omitted=None):
    items.append({"kind": kind, "name": name, "bad": list(bad), "ext": list(ext), "note": note,
                  "missing": missing, "omitted": omitted})


def _check_class(items, modname, qual, cls, spec, module):
    for mname, m in spec["methods"].items():
        if not hasattr(cls, mname):
            _item(items, "method", f"{qual}.{mname}", missing=True)
            continue
        bad, ext, note = _compare(m, (cls, mname), True, (cls, module),
                                  (modname, f"{qual}.{mname}") in PROPERTIES)
        _item(items, "method", f"{qual}.{mname}", bad, ext, note)
    for k in spec.get("constants", {}):
        if not hasattr(cls, k):
            _item(items, "constant", f"{qual}.{k}", missing=True)
        else:
            _item(items, "constant", f"{qual}.{k}")


def collect(spec):
    """In the child: the shim installed, every stub item looked up."""
    import importlib

    out = {}
    for modname, mspec in spec.items():
        if modname.startswith("_") and modname != "_thread":
            continue
        items = []
        out[modname] = items
        left_out = NOT_PROVIDED.get(modname, {})
        try:
            if "." in modname:
                base, attr = modname.split(".", 1)
                mod = getattr(importlib.import_module(base), attr)
            else:
                mod = importlib.import_module(modname)
        except (ImportError, AttributeError) as e:
            _item(items, "module", modname, missing=True, note=str(e))
            continue
        for fname, f in mspec["functions"].items():
            if fname in left_out:
                _item(items, "function", fname, omitted=left_out[fname])
            elif not hasattr(mod, fname):
                _item(items, "function", fname, missing=True)
            else:
                bad, ext, note = _compare(f, (mod, fname) if inspect.isclass(mod) else getattr(mod, fname),
                                          False, (mod,))
                _item(items, "function", fname, bad, ext, note)
        for cname, cspec in mspec["classes"].items():
            if cname in left_out:
                _item(items, "class", cname, omitted=left_out[cname])
                continue
            # `import osTimer` gives the class itself, as on the module
            cls = mod if inspect.isclass(mod) and cname == modname else getattr(mod, cname, None)
            if cls is None:
                _item(items, "class", cname, missing=True)
                continue
            _item(items, "class", cname)
            _check_class(items, modname, cname, cls, cspec, mod)
        for k in mspec["constants"]:
            _item(items, "constant", k, missing=not hasattr(mod, k))
    return out


def _child():
    sys.path.insert(0, str(paths.ROOT))
    import shim

    shim.PORT = "cpython"
    shim.install()
    spec = json.loads(SPEC.read_text())
    json.dump(collect(spec), sys.stdout)


def run_check():
    proc = subprocess.run([sys.executable, "-m", "qpyshim.stubcheck", "--child"], capture_output=True,
                          text=True, timeout=120, cwd=paths.ROOT,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(paths.ROOT)})
    if proc.returncode != 0:
        raise RuntimeError("loading the shim failed:\n" + proc.stderr)
    return json.loads(proc.stdout)


def mismatches(report):
    out = []
    for mod, items in report.items():
        for it in items:
            if it["missing"]:
                out.append(f"{mod}: {it['kind']} {it['name']} is missing")
            for b in it["bad"]:
                out.append(f"{mod}: {it['name']}: {b}")
    return out


def render(report):
    """The markdown kept between the markers in shim/README.md."""
    about = json.loads(SPEC.read_text())["_about"].split(" at commit ")[1].split(" ")[0]
    lines = [BEGIN, "",
             f"Generated by `qpyshim stubcheck --write` from `qpyshim/data/quecpython-signatures.json` "
             f"(QuecPython/quecpython_api_stubs {about}); `tests/test_stubcheck.py` fails on a mismatch "
             "and on a report that is out of date.", "",
             "| module | functions | classes | methods | constants | mismatches | left out |",
             "|---|---|---|---|---|---|---|"]
    for mod, items in report.items():
        def n(kind):
            return sum(1 for i in items if i["kind"] == kind and not i["omitted"])
        bad = sum(1 for i in items if i["missing"] or i["bad"])
        omitted = sum(1 for i in items if i["omitted"])
        lines.append(f"| `{mod}` | {n('function')} | {n('class')} | {n('method')} | {n('constant')} "
                     f"| {bad} | {omitted or ''} |")
    lines += ["", "Mismatches (a call the stubs allow that the shim would refuse or treat differently):", ""]
    mm = mismatches(report)
    lines += [f"- {m}" for m in mm] or ["- none"]
    lines += ["", "Left out on purpose:", ""]
    for mod, items in report.items():
        for it in items:
            if it["omitted"]:
                lines.append(f"- `{mod}.{it['name']}`: {it['omitted']}")
    lines += ["", "Extensions (accepted beyond the stubs; from the module's source or for the desktop):", ""]
    for mod, items in report.items():
        for it in items:
            for e in it["ext"]:
                lines.append(f"- `{mod}.{it['name']}`: {e}")
    notes = [(mod, it) for mod, items in report.items() for it in items if it["note"] and not it["missing"]]
    if notes:
        lines += ["", "Not compared parameter by parameter:", ""]
        lines += [f"- `{mod}.{it['name']}`: {it['note']}" for mod, it in notes]
    lines += ["", END]
    return "\n".join(lines)


def write_readme(text):
    body = README.read_text()
    if BEGIN in body:
        head, rest = body.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        body = head + text + tail
    else:
        body = body.rstrip("\n") + "\n\n## Fidelity to QuecPython's stubs\n\n" + text + "\n"
    README.write_text(body)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="qpyshim stubcheck", description=__doc__.split("\n\n")[0])
    ap.add_argument("--write", action="store_true", help="refresh the report in shim/README.md")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        _child()
        return 0
    report = run_check()
    text = render(report)
    print(text)
    if args.write:
        write_readme(text)
    return 1 if mismatches(report) else 0


if __name__ == "__main__":
    sys.exit(main())
