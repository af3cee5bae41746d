"""The board config's schema (qpyshim/data/config.schema.json): every key a
board config or a --net/--config file may have, and the type of its value.
check() turns the first problem into one line naming the key's place:

    unknown key "hostz" (did you mean "hosts"?)
    endpoints."1.2.3.4:80": expected a string "ip:port" or "ip", got a list

Importing jsonschema costs ~120 ms, as long as a whole `qpyshim run` takes,
so a config is first walked by _ok(), which knows the few keywords the
schema uses and answers only "surely valid" or "not sure"; jsonschema judges
the rest and words the error. Values the schema cannot judge (loopback-only
addresses, a profile within the model's range) are netconfig.py's."""

import difflib
import functools
import json
import re

_PLAIN = re.compile(r"^[A-Za-z0-9_-]+$")  # a key shown unquoted in a path
_ANNOTATIONS = {"$schema", "title", "description", "default", "examples", "$comment"}


class ConfigError(Exception):
    pass


@functools.cache
def schema():
    from importlib import resources

    return json.loads(resources.files(__package__).joinpath("data").joinpath("config.schema.json").read_text())


def check(cfg, source, error=ConfigError):
    """Raise error("SOURCE: what is wrong") at the config's first problem."""
    msg = problem(cfg)
    if msg is not None:
        raise error(f"{source}: {msg}")


def problem(cfg):
    """The config's first problem in words, or None."""
    s = _with_dialects(schema(), cfg)
    if _ok(s, cfg):
        return None
    from jsonschema.exceptions import best_match

    err = best_match(_validator()(s).iter_errors(cfg))
    return None if err is None else _words(err)


@functools.cache
def _validator():
    # JSON Schema counts 1.0 as an integer; a count, a port or a size
    # written 8000.0 is a mistake here (and the device would get a float).
    from jsonschema import Draft202012Validator, validators

    ints = Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda _checker, v: isinstance(v, int) and not isinstance(v, bool))
    return validators.extend(Draft202012Validator, type_checker=ints)


def _with_dialects(s, cfg):
    """A dialect's own stack options (the registry's, out-of-tree ones too)
    are stack keys: the registry is loaded only for a key the schema lacks,
    since loading it imports every dialect."""
    stack = cfg.get("stack") if isinstance(cfg, dict) else None
    props = s["properties"]["stack"]["properties"]
    if not isinstance(stack, dict) or all(k in props for k in stack):
        return s
    try:
        from . import dialects

        extra = {k: {} for k in dialects.options() if k not in props}
    except ValueError:  # a bad $QPYSHIM_DIALECTS: the stack check says so
        return s
    if not extra:
        return s
    s = dict(s, properties=dict(s["properties"]))
    s["properties"]["stack"] = dict(s["properties"]["stack"], properties=dict(props, **extra))
    return s


# -- the quick walk ----------------------------------------------------------
def _is(v, t):
    if isinstance(t, list):
        return any(_is(v, x) for x in t)
    if t == "object":
        return isinstance(v, dict)
    if t == "array":
        return isinstance(v, list)
    if t == "string":
        return isinstance(v, str)
    if t == "integer":  # not 1.0 (_validator)
        return isinstance(v, int) and not isinstance(v, bool)
    if t == "number":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if t == "boolean":
        return isinstance(v, bool)
    return t == "null" and v is None


def _ok(node, v):
    """True if v surely meets node; False if unsure (or it does not)."""
    for k, want in node.items():
        if k in _ANNOTATIONS or k.startswith("x-"):
            continue
        if k == "type":
            good = _is(v, want)
        elif k == "properties":
            good = not isinstance(v, dict) or all(_ok(want[n], v[n]) for n in want if n in v)
        elif k == "additionalProperties":
            props = node.get("properties", {})
            good = not isinstance(v, dict) or all(
                want is True or (want is not False and _ok(want, x)) for n, x in v.items() if n not in props)
        elif k == "propertyNames":
            good = not isinstance(v, dict) or all(_ok(want, n) for n in v)
        elif k == "required":
            good = not isinstance(v, dict) or all(n in v for n in want)
        elif k == "items":
            good = not isinstance(v, list) or all(_ok(want, x) for x in v)
        elif k == "enum":
            good = any(type(v) is type(e) and v == e for e in want)  # True is not 1 to JSON
        elif k in ("minimum", "maximum"):
            good = not _is(v, "number") or (v >= want if k == "minimum" else v <= want)
        elif k in ("minItems", "maxItems"):
            good = not isinstance(v, list) or (len(v) >= want if k == "minItems" else len(v) <= want)
        elif k == "pattern":
            good = not isinstance(v, str) or re.search(want, v) is not None
        elif k == "anyOf":
            good = any(_ok(s, v) for s in want)
        else:
            good = False  # a keyword this walk does not know
        if not good:
            return False
    return True


# -- jsonschema's error in words ---------------------------------------------
def where(path):
    """["endpoints", "1.2.3.4:80"] -> 'endpoints."1.2.3.4:80"'; list items as [0]."""
    out = ""
    for p in path:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            p = p if _PLAIN.match(p) else json.dumps(p)
            out += f".{p}" if out else p
    return out


_KINDS = {"object": "an object", "array": "a list", "string": "a string", "integer": "a whole number",
          "number": "a number", "boolean": "true or false", "null": "null"}


def _kind(t):
    return " or ".join(_KINDS[x] for x in t) if isinstance(t, list) else _KINDS[t]


def _got(v):
    if isinstance(v, dict):
        return "an object"
    if isinstance(v, list):
        return f"a list of {len(v)}" if v else "an empty list"
    return json.dumps(v)


def nearest(key, known, at=""):
    """The did-you-mean words for an unknown key at `at`: a neighbour
    that is nearly it, else the same key elsewhere ("imei" at the top is
    "modem.imei"), else a neighbour somewhat like it, else the neighbours."""
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.8)
    if not close:
        elsewhere = [k for k, _ in keys() if k.rsplit(".", 1)[-1] == key]
        if elsewhere:
            # the one nearest this place: datacall's "apn" is datacall.profiles.N.apn
            best = max(elsewhere, key=lambda k: len(_common(k, at)))
            return f'did you mean the top-level "{best}"?' if "." not in best else f'did you mean "{best}"?'
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    if close:
        return f'did you mean "{close[0]}"?'
    return "known keys: " + ", ".join(known) if known else "no keys are known here"


def _common(a, b):
    return [x for x, y in zip(a.split("."), b.split(".")) if x == y]


def _words(err):
    path = list(err.absolute_path)
    at = where(path)
    pre = f"{at}: " if at else ""
    node, v, kw = err.schema, err.instance, err.validator
    what = node.get("x-expected") if isinstance(node, dict) else None
    if "propertyNames" in err.absolute_schema_path:
        rule = node.get("x-keys") or f"keys must match {node.get('pattern')}"
        return f'{pre}unknown key {json.dumps(v)}: {rule}'
    if kw == "additionalProperties":
        known = list(node.get("properties", {}))
        extra = next(k for k in v if k not in known)
        return f'{pre}unknown key {json.dumps(extra)} ({nearest(extra, known, at)})'
    if kw == "required":
        missing = next(k for k in node["required"] if k not in v)
        return f'{pre}missing key "{missing}"'
    parent = err.parent
    if parent is not None and parent.validator == "anyOf" and list(parent.absolute_path) == path:
        what = parent.schema.get("x-expected") or what  # the alternatives' words, not one branch's
    if kw == "type":
        what = what or _kind(node["type"])
        if len(path) == 1:  # a whole section: the words its checks always used
            return f"{at} must be {what}, not {_got(v) if isinstance(v, (dict, list)) else _kind_of(v)}"
        return f"{pre}expected {what}, got {_got(v)}"
    if kw == "enum":
        return f"{pre}expected {what or ' or '.join(json.dumps(e) for e in node['enum'])}, got {_got(v)}"
    if kw in ("minItems", "maxItems"):
        return f"{pre}expected {what or f'{kw[:3]}imum {err.validator_value} items'}, got {_got(v)}"
    if kw in ("minimum", "maximum"):
        sign = ">=" if kw == "minimum" else "<="
        return f"{pre}expected {what or f'a number {sign} {err.validator_value}'}, got {_got(v)}"
    if kw == "anyOf":
        return f"{pre}expected {what or 'another form'}, got {_got(v)}"
    return f"{pre}{err.message}"


def _kind_of(v):
    """A scalar's kind and value: 'a string ("x")', '5'."""
    if isinstance(v, str):
        return f"a string ({json.dumps(v)})"
    return json.dumps(v)


# -- the keys, for the docs ----------------------------------------------------
def keys(node=None, path=""):
    """(dotted key, is_leaf) for every key the schema has; a map's keys are
    its x-key (hosts.NAME), a list's items []. A key that is an object of
    fixed keys is not a leaf: its own keys are."""
    node = schema() if node is None else node
    for b in node.get("anyOf", [node]):
        if "properties" in b:
            if path:
                yield path, False
            for name, sub in b["properties"].items():
                yield from keys(sub, f"{path}.{name}" if path else name)
        elif "x-key" in b:
            yield path, False
            yield from keys(b["additionalProperties"], f"{path}.{b['x-key']}")
        elif isinstance(b.get("items"), dict) and "properties" in b["items"]:
            yield path, False
            yield from keys(b["items"], f"{path}[]")
        else:
            yield path, True
