"""What a conformance row is made of. Tables import R and Raises from here."""

# Where a row's citation may come from: the tag, then the public source.
SOURCES = {
    "DOC": "QuecPython docs, rivern-alps/qpydoc_preview docs/...",
    "STUB": "QuecPython/quecpython_api_stubs",
    "SRC25": "QuecPython/micropython v1.0.0 ports/quectel/...",
    "SRC21": "QuecPython/microPython e7c4b19 ports/quectel/core/...",
    "WIKI": "QuecPython/wiki en-us/api/...",
    "EX": "QuecPython/examples",
    "DTU": "QuecPython/solution-DTU",
    "MPY": "MicroPython's own documentation (the interpreter QuecPython is built on)",
    "CHOICE": "shim/README.md, the choices table (where the sources above disagree)",
}


class Raises:
    """The row raises `kind` (an exception class name; CPython's OSError
    subclasses count as OSError). `arg` is e.args[0] (an errno for OSError)
    unless None; `text` must appear in str(e) unless None."""

    def __init__(self, kind, arg=None, text=None):
        self.kind, self.arg, self.text = kind, arg, text

    def __repr__(self):
        return "Raises(%r, %r, %r)" % (self.kind, self.arg, self.text)


class R:
    """One documented behaviour.

    setup: None (the code runs in the app's globals) or the name of a function
    in the table's PRELUDE that returns a dict of names for this row alone.
    code: an expression (its value is compared) or statements (value None).
    expect: a Python literal the value must equal, or Raises(...).
    src: "TAG path clause[; TAG path clause]", TAG from SOURCES.
    missing: why the shim does not (yet) behave so; str for both runtimes or
    {runtime: reason}. Such a row is a strict xfail until the shim is fixed."""

    def __init__(self, setup, code, expect, src, missing=None):
        self.setup, self.code, self.expect, self.src = setup, code, expect, src
        if isinstance(missing, str):
            missing = {"micropython": missing, "cpython": missing}
        self.missing = missing or {}

    def __repr__(self):
        return "R(%r, %r, %r, %r)" % (self.setup, self.code, self.expect, self.src)
