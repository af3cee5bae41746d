"""The shim, compiled once, for the CPython board. `qpyshim run` lays out a
fresh flash for every run, so CPython would compile every shim module it
imports at every boot (20-40 ms of CPU, a tenth of a trivial run). The code
is kept in the user's cache, keyed by the source's hash, and laid into the
flash as checked hash-based pycs (PEP 552): valid for that source wherever
it sits, and checked against it at import, so an edited shim is compiled
again rather than run stale."""

import importlib.util
import marshal
import os
import sys
from pathlib import Path

TAG = sys.implementation.cache_tag  # e.g. cpython-311: a pyc is only good for its own interpreter
CHECKED_HASH = 0b11  # PEP 552 flags: hash-based, check the source
MAX_ENTRIES = 4096  # about 40 MB of pycs


def cache_dir():
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "qpyshim" / f"pyc-{TAG}"


def lay(root, cache=None):
    """A pyc beside every .py under root (the flash's shim folder), from the
    cache or compiled now (and cached). Whatever fails (a cache that cannot
    be written, a module that does not compile) leaves that module to
    CPython, which compiles it at import as it always did."""
    if TAG is None:
        return
    cache = Path(cache) if cache is not None else cache_dir()
    made = set()
    for src in Path(root).rglob("*.py"):
        dest = src.parent / "__pycache__" / f"{src.stem}.{TAG}.pyc"
        try:
            if dest.parent not in made:
                dest.parent.mkdir(exist_ok=True)
                made.add(dest.parent)
            _lay_one(src, dest, cache)
        except (OSError, SyntaxError, ValueError):
            pass  # that module is CPython's to compile at import, as before


def _lay_one(src, dest, cache):
    data = src.read_bytes()
    # The key need not be strong: the loader checks the pyc against the source.
    keep = cache / (importlib.util.source_hash(data).hex() + ".pyc")
    try:
        os.link(keep, dest)  # no copy: the loader only reads it, a rewrite replaces it
        return
    except FileNotFoundError:
        pyc = _compile(data, src)
        _store(keep, pyc)
    except OSError:  # another file system, or a pyc already there
        pyc = keep.read_bytes()
    dest.write_bytes(pyc)


def _compile(data, src):
    # The loader sets co_filename to where the source is at import: the
    # name compiled in here does not reach a traceback.
    code = compile(data, str(src), "exec", dont_inherit=True)
    return (importlib.util.MAGIC_NUMBER + CHECKED_HASH.to_bytes(4, "little")
            + importlib.util.source_hash(data) + marshal.dumps(code))


def _store(path, pyc):
    """Written whole or not at all: runs in parallel share the cache. Every
    edit of the shim adds entries: past MAX_ENTRIES the cache starts over."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        old = os.listdir(path.parent)
        if len(old) > MAX_ENTRIES:
            for name in old:
                if name.endswith(".pyc"):
                    os.unlink(path.parent / name)
        tmp.write_bytes(pyc)
        os.replace(tmp, path)
    except OSError:
        try:
            tmp.unlink()
        except OSError:
            pass
