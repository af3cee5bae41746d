"""Compare the ESP32 stand-ins (tests/esp32/: the board's socket, network,
machine and esp32 modules on the unix port) with MicroPython's published
ESP32 type stubs (the `micropython-esp32-stubs` package, pinned in
pyproject.toml's test extra, generated from a v1.29 ESP32_GENERIC firmware):
every name in scope must be there, every call the stubs allow must be one the
stand-in accepts (the parameters the stubs let a caller pass by name under the
same names, the same defaults, nothing more required), and every number the
stubs give (constants) must be the same. What the stand-ins leave out, or do
differently on purpose, is in the allowlists of qpyshim/standinlists.py, with the reason.

Both sides are read as source (ast): the stand-ins are MicroPython code that
imports the unix port's own modules, and the stubs are .pyi files.

    python -m qpyshim.standincheck      print the report; exit 1 on a mismatch
"""

import ast
import fnmatch
import sys
from importlib import metadata

from . import paths
from .standinlists import DIFFERS, LEFT_OUT, QUECPYTHON_ERRNO, SCOPE  # noqa: F401  the check's data

DIST = "micropython-esp32-stubs"
STANDINS = paths.CHECKOUT / "tests" / "esp32"  # a check of the repository's own tests
ESP32_PORT = paths.SHIM / "_ports" / "esp32" / "__init__.py"

POSONLY, POS, VARPOS, KWONLY, VARKW = "posonly", "pos", "varpos", "kwonly", "varkw"
NONE = object()  # no default
SOME = object()  # a default the stub does not spell out (`...`)


# -- reading -------------------------------------------------------------------
def stub_path(module):
    dist = metadata.distribution(DIST)
    return dist.locate_file(module + ".pyi")


def stubs_version():
    return metadata.version(DIST)


def _value(node, scope):
    """A default or constant's value, names looked up in scope; SOME when it
    cannot be known (`...`, an annotation without a value)."""
    if node is None or (isinstance(node, ast.Constant) and node.value is Ellipsis):
        return SOME
    try:
        return eval(compile(ast.Expression(node), "<default>", "eval"), {"__builtins__": {}}, dict(scope))
    except Exception:
        return SOME


def _params(fn, method, scope):
    a = fn.args
    decos = [ast.unparse(d) for d in fn.decorator_list]
    out = []
    pos = [(p, POSONLY) for p in a.posonlyargs] + [(p, POS) for p in a.args]
    defaults = [None] * (len(pos) - len(a.defaults)) + list(a.defaults)
    for (p, kind), d in zip(pos, defaults):
        out.append((p.arg, kind, NONE if d is None else _value(d, scope)))
    if a.vararg:
        out.append((a.vararg.arg, VARPOS, NONE))
    for p, d in zip(a.kwonlyargs, a.kw_defaults):
        out.append((p.arg, KWONLY, NONE if d is None else _value(d, scope)))
    if a.kwarg:
        out.append((a.kwarg.arg, VARKW, NONE))
    if method and "staticmethod" not in decos and out and out[0][0] in ("self", "cls"):
        out = out[1:]
    return out


def _constants(body, scope):
    out = {}
    for n in body:
        if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name):
            name, node = n.target.id, n.value
        elif isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name):
            name, node = n.targets[0].id, n.value
        else:
            continue
        v = out[name] = _value(node, scope)
        if v is not SOME:
            scope[name] = v  # later defaults and constants may name it
    return out


def read_module(path):
    """{"functions": {name: [params per overload]}, "classes": {name:
    {"kind": "class", "methods": {...}, "constants": {...}, "bases": [...]}},
    "constants": {name: value}} of a .py or .pyi file."""
    tree = ast.parse(path.read_text())
    scope = {}
    mod = {"functions": {}, "classes": {}, "constants": _constants(tree.body, scope), "defs": {}}
    for n in tree.body:
        if isinstance(n, ast.FunctionDef):
            mod["functions"].setdefault(n.name, []).append(_params(n, False, scope))
            mod["defs"].setdefault(n.name, "function")
        elif isinstance(n, ast.ClassDef):
            cscope = dict(scope)
            consts = _constants(n.body, cscope)
            methods = {}
            props = set()
            for m in n.body:
                if isinstance(m, ast.FunctionDef):
                    if any(ast.unparse(d) == "property" for d in m.decorator_list):
                        props.add(m.name)
                    methods.setdefault(m.name, []).append(_params(m, True, cscope))
            c = mod["classes"].get(n.name)
            if c is None:  # a second definition of a class (the stubs have some) adds what is new
                c = mod["classes"][n.name] = {"methods": {}, "constants": {}, "properties": set(),
                                              "bases": [ast.unparse(b) for b in n.bases]}
            for k, v in methods.items():
                c["methods"].setdefault(k, v)
            for k, v in consts.items():
                c["constants"].setdefault(k, v)
            c["properties"] |= props
            mod["defs"].setdefault(n.name, "class")
    # a stand-in's class inherits what its bases in the same file define
    for c in mod["classes"].values():
        for b in c["bases"]:
            base = mod["classes"].get(b)
            while base is not None:
                for k, v in base["methods"].items():
                    c["methods"].setdefault(k, v)
                for k, v in base["constants"].items():
                    c["constants"].setdefault(k, v)
                base = next((mod["classes"][x] for x in base["bases"] if x in mod["classes"]), None)
    return mod


# -- comparing -----------------------------------------------------------------
def _same(a, b):
    return type(a) is type(b) and a == b


def compare(stub_overloads, have, names=None):
    """(mismatches, extensions) of a stand-in's parameters against the stub's
    overloads: every call an overload allows must be one the stand-in takes."""
    names = names or {}
    bad, ext = [], []
    have_pos = [p for p in have if p[1] in (POSONLY, POS)]
    have_varpos = any(p[1] == VARPOS for p in have)
    have_varkw = any(p[1] == VARKW for p in have)
    by_name = {p[0]: p for p in have if p[1] in (POS, KWONLY)}
    used_any = set()
    for want in stub_overloads:
        if want and all(p[1] in (VARPOS, VARKW) for p in want):
            continue  # the stub leaves the parameters open
        used = set()
        wpos = [p for p in want if p[1] in (POSONLY, POS)]
        for i, (name, kind, d) in enumerate(wpos):
            if i >= len(have_pos):
                if not have_varpos:
                    bad.append("takes no argument at position %d (the stub's %r)" % (i + 1, name))
                continue
            h = have_pos[i]
            used.add(h[0])
            if kind == POS and h[0] != name:
                bad.append("parameter %d is %r, the stub's is %r (callers may pass it by name)"
                           % (i + 1, h[0], name))
            _default(bad, h, d, name, names)
        for name, kind, d in want:
            if kind == KWONLY:
                h = by_name.get(name)
                if h is None:
                    if not have_varkw:
                        bad.append("takes no keyword %r" % name)
                    continue
                used.add(h[0])
                _default(bad, h, d, name, names)
            elif kind == VARPOS and not have_varpos:
                bad.append("takes no *%s" % name)
            elif kind == VARKW and not have_varkw:
                bad.append("takes no **%s" % name)
        for h in have:
            if h[0] not in used and h[1] not in (VARPOS, VARKW) and h[2] is NONE:
                bad.append("requires %r, which the stub does not have" % h[0])
        used_any |= used
    for h in have:
        if h[0] not in used_any and h[1] not in (VARPOS, VARKW) and h[2] is not NONE:
            ext.append("adds %s=%r" % (h[0], h[2]))
    return _unique(bad), ext


def _default(bad, h, d, name, names):
    if d is NONE:
        return
    if h[2] is NONE:
        bad.append("%r is required; the stub's default is %s" % (name, "..." if d is SOME else repr(d)))
    elif d is not SOME and h[2] is not SOME and not _same(h[2], d):
        bad.append("default of %r is %s, the stub's is %s" % (name, repr(h[2]), repr(d)))


def _unique(xs):
    out = []
    for x in xs:
        if x not in out:
            out.append(x)
    return out


def _left_out(module, qual):
    for pat, why in LEFT_OUT.get(module, {}).items():
        if fnmatch.fnmatchcase(qual, pat):
            return why
    return None


def _item(items, module, kind, qual, bad=(), ext=(), missing=False, note=None):
    allowed = []
    kept = []
    for b in bad:
        why = DIFFERS.get((module, qual, b))
        (allowed if why is not None else kept).append((b, why))
    items.append({"kind": kind, "name": qual, "bad": [b for b, _ in kept],
                  "allowed": ["%s: %s" % (b, w) for b, w in allowed], "ext": list(ext),
                  "missing": missing, "omitted": _left_out(module, qual) if missing else None, "note": note})
    if missing and items[-1]["omitted"]:
        items[-1]["missing"] = False


def _in_scope(scope, kind, name):
    return scope is None or name in scope or (kind + "s") in scope


def check_module(module, stub, have):
    """The report items of one module: stub is read_module() of the .pyi,
    have of the stand-in."""
    items = []
    scope = SCOPE[module][1]
    snames = dict(stub["constants"])
    for name, overloads in stub["functions"].items():
        if not _in_scope(scope, "function", name):
            continue
        if name not in have["functions"]:
            _item(items, module, "function", name, missing=True)
            continue
        bad, ext = compare(overloads, have["functions"][name][0], snames)
        _item(items, module, "function", name, bad, ext)
    for cname, cs in stub["classes"].items():
        if not _in_scope(scope, "class", cname):
            continue
        ch = have["classes"].get(cname)
        if ch is None:
            what = have["defs"].get(cname)
            _item(items, module, "class", cname, ["is a %s, the stub's is a class" % what] if what else (),
                  missing=what is None)
            continue
        _item(items, module, "class", cname)
        cnames = dict(snames, **{k: v for k, v in cs["constants"].items() if v is not SOME})
        for mname, overloads in cs["methods"].items():
            qual = "%s.%s" % (cname, mname)
            if mname not in ch["methods"]:
                _item(items, module, "method", qual, missing=True)
                continue
            if mname in ch["properties"]:
                _item(items, module, "method", qual, ["is a property, the stub's is a method"])
                continue
            bad, ext = compare(overloads, ch["methods"][mname][0], cnames)
            _item(items, module, "method", qual, bad, ext)
        for k, v in cs["constants"].items():
            _constant(items, module, "%s.%s" % (cname, k), v, ch["constants"], k)
    if scope is None or "constants" in scope:
        for k, v in stub["constants"].items():
            if k.startswith("_") or k[:1].islower():
                continue  # type aliases and private names
            _constant(items, module, k, v, have["constants"], k)
    return items


def _constant(items, module, qual, v, have, k):
    if v is SOME:
        # documented without a value (other ports' names the stubs merge in):
        # not what this firmware lists
        return
    if k not in have:
        _item(items, module, "constant", qual, missing=True)
    elif not _same(have[k], v):
        _item(items, module, "constant", qual, ["is %r, the board's is %r" % (have[k], v)])
    else:
        _item(items, module, "constant", qual)


def run_check(standins=STANDINS):
    report = {}
    for module, (fname, _) in SCOPE.items():
        stub = read_module(stub_path(module))
        have = read_module(standins / fname)
        report[module] = check_module(module, stub, have)
    return report


def mismatches(report):
    out = []
    for mod, items in report.items():
        for it in items:
            if it["missing"]:
                out.append("%s: %s %s is missing" % (mod, it["kind"], it["name"]))
            for b in it["bad"]:
                out.append("%s: %s: %s" % (mod, it["name"], b))
    return out


def board_errno():
    """{name: number} of the board's errno module, from the stubs' errno.pyi
    (what the v1.29 ESP32_GENERIC firmware lists: newlib's numbers)."""
    consts = read_module(stub_path("errno"))["constants"]
    return {k: v for k, v in consts.items() if isinstance(v, int) and k.startswith("E")}


def port_errno(path=ESP32_PORT):
    """The ESP32 port's ERRNO table, read from its source."""
    for n in ast.parse(path.read_text()).body:
        if isinstance(n, ast.Assign) and any(getattr(t, "id", None) == "ERRNO" for t in n.targets):
            return ast.literal_eval(n.value)
    raise LookupError("no ERRNO in %s" % path)


def render(report):
    lines = ["ESP32 stand-ins (tests/esp32/) against %s %s" % (DIST, stubs_version()), ""]
    for mod, items in report.items():
        n = sum(1 for i in items if not i["omitted"])
        bad = sum(1 for i in items if i["missing"] or i["bad"])
        left = sum(1 for i in items if i["omitted"])
        lines.append("%-8s %3d checked, %d mismatched, %d left out on purpose" % (mod, n, bad, left))
    mm = mismatches(report)
    lines += ["", "Mismatches:"] + ["  " + m for m in mm] if mm else ["", "Mismatches: none"]
    allowed = [(m, i) for m, items in report.items() for i in items if i["allowed"] or i["omitted"]]
    if allowed:
        lines += ["", "Allowed on purpose:"]
        for m, i in allowed:
            for a in i["allowed"]:
                lines.append("  %s.%s: %s" % (m, i["name"], a))
            if i["omitted"]:
                lines.append("  %s.%s left out: %s" % (m, i["name"], i["omitted"]))
    return "\n".join(lines)


def main(argv=None):
    report = run_check()
    print(render(report))
    return 1 if mismatches(report) else 0


if __name__ == "__main__":
    sys.exit(main())
