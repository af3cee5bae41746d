"""The compiled shim the runner lays into a CPython board's flash
(qpyshim/pycache.py): used when it matches its source, never run stale."""

import subprocess
import sys

from qpyshim import pycache

PROBE = ("import sys; sys.path.insert(0, sys.argv[1]); import mod; "
         "print(mod.VALUE, mod.__spec__.cached is not None, mod.f.__code__.co_filename)")


def _import(root):
    p = subprocess.run([sys.executable, "-B", "-c", PROBE, str(root)], capture_output=True, text=True,
                       timeout=30)
    assert p.returncode == 0, p.stderr
    return p.stdout.split()


def test_a_laid_pyc_is_what_python_loads_and_an_edit_is_not_run_stale(tmp_path):
    cache = tmp_path / "cache"
    a = tmp_path / "a"
    a.mkdir()
    (a / "mod.py").write_text("VALUE = 1\ndef f():\n    pass\n")
    pycache.lay(a, cache=cache)
    pyc = a / "__pycache__" / f"mod.{pycache.TAG}.pyc"
    assert pyc.is_file() and len(list(cache.iterdir())) == 1
    # the interpreter reads it (-B: it could not have written one itself);
    # tracebacks name the source where it is, not where it was compiled
    assert _import(a) == ["1", "True", str(a / "mod.py")]

    b = tmp_path / "b"  # a second flash: the cached code, not a new compile
    b.mkdir()
    (b / "mod.py").write_text("VALUE = 1\ndef f():\n    pass\n")
    pycache.lay(b, cache=cache)
    assert len(list(cache.iterdir())) == 1
    assert _import(b) == ["1", "True", str(b / "mod.py")]

    # the source changes under a laid pyc: the check against the source wins
    (b / "mod.py").write_text("VALUE = 2\ndef f():\n    pass\n")
    assert _import(b)[0] == "2"


def test_a_module_that_does_not_compile_is_left_to_python(tmp_path):
    (tmp_path / "bad.py").write_text("def (\n")
    (tmp_path / "good.py").write_text("X = 1\n")
    pycache.lay(tmp_path, cache=tmp_path / "cache")
    assert sorted(p.name for p in (tmp_path / "__pycache__").iterdir()) == [f"good.{pycache.TAG}.pyc"]
