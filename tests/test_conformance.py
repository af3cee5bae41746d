"""QuecPython conformance: every module the shim provides, one row per
documented behaviour, each citing the doc page or firmware source it comes
from (tables in tests/conformance/, one file per module; README.md there).

All the rows of a module are evaluated in ONE app per runtime (micropython,
cpython); the parametrised tests only read the two transcripts, so hundreds of
rows cost a few board runs. Most tables' apps run in-process
(tests/inproc/app_cases.py: each on a fresh board with the table's
NET, in a few interpreters per runtime); a table that needs a process of its
own (restarts, threads outliving main, the interpreter's own stdout/stderr)
says why in OWN_PROCESS and runs as `qpyshim run` runs an app. A row the
shim does not (yet) get right carries `missing=`: it is a strict xfail, so it
fails as soon as the shim is fixed and the marker has to go."""

import contextlib
import fcntl
import importlib
import json
import os
import select
import subprocess
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conformance._kit import SOURCES, R, Raises

RUNTIMES = ("micropython", "cpython")
TABLES = Path(__file__).resolve().parent / "conformance"
MODULES = sorted(p.stem for p in TABLES.glob("*.py") if p.stem not in ("__init__", "_kit", "_servers"))


def table(name):
    return importlib.import_module("conformance." + name)


# Appended to the table's PRELUDE: evaluate every row, print one line each.
RUNNER = r'''

def _show(v):
    if v is None or isinstance(v, (bool, int, float, str, bytes)):
        return v
    if isinstance(v, (tuple, list)):
        r = [_show(x) for x in v]
        return tuple(r) if isinstance(v, tuple) else r
    if isinstance(v, dict):
        return dict((_show(k), _show(x)) for k, x in v.items())
    return '<%s>' % type(v).__name__


def _row(setup, code):
    env = globals()
    try:
        if setup is not None:
            env = dict(env)
            env.update(env[setup]())
        try:
            v = eval(code, env)
        except SyntaxError:
            exec(code, env)
            v = None
    except Exception as e:
        n = e.args[0] if e.args else None
        # the classes it is an instance of: CPython raises subclasses
        # (TimeoutError, JSONDecodeError...) where QuecPython code sees the base
        bases = [b.__name__ for b in _BASES if isinstance(e, b)]
        return ('OSError' if isinstance(e, OSError) else type(e).__name__, _show(n), str(e), bases)
    return ('ok', _show(v))


_BASES = (OSError, ValueError, TypeError, KeyError, IndexError, LookupError, RuntimeError,
          AttributeError, NotImplementedError, OverflowError, ZeroDivisionError, ImportError)


for _i, (_s, _c) in enumerate(ROWS):
    print('row%d %r' % (_i, _row(_s, _c)))
_finish = globals().get('finish')
if _finish is not None:
    _finish()
print('conformance-done', len(ROWS))
'''


def app_source(name):
    t = table(name)
    rows = [(r.setup, r.code) for r in t.ROWS]
    return "ROWS = %r\n" % rows + t.PRELUDE + RUNNER


def inproc(name):
    """Whether a table's app runs in-process (tests/inproc/app_cases.py,
    a fresh board per table in one interpreter per runtime); a table that needs
    a process of its own says why in OWN_PROCESS."""
    return not getattr(table(name), "OWN_PROCESS", None)


# The in-process tables run in a few interpreters per runtime, all at once:
# the rows of these wait on timeouts or their threads for seconds (usocket
# ~15 s, net ~8 s, _thread, umqtt and uwebsocket ~5 s each), so each gets an
# interpreter of its own; the rest (~6 s together) share one. The
# interpreters mostly wait, so running them side by side costs little CPU.
ALONE = ("usocket", "net", "_thread", "umqtt", "uwebsocket")


def chunk(name):
    return name if name in ALONE else "rest"


def _run_inproc(tables, rt, work):
    """These in-process tables' transcripts on runtime rt: {name: {code, out, err}}."""
    from inproc.host import run_apps

    apps = {}
    with contextlib.ExitStack() as stack:
        for name in tables:
            t = table(name)
            net = dict(getattr(t, "NET", None) or {})
            loop = stack.enter_context(UartLoop(getattr(t, "UART_LOOP", ())))
            if loop.paths:
                net["uart"] = loop.paths
            apps[name] = {"source": app_source(name), "net": net, "files": getattr(t, "FILES", None)}
        return run_apps(apps, rt, work, case_timeout=max(getattr(table(n), "TIMEOUT", 45) for n in tables))


def _run_both(name, work):
    from conftest import Board

    t = table(name)
    source = app_source(name)

    def one(rt):
        d = Path(tempfile.mkdtemp(prefix=rt + "_", dir=work))
        net = dict(getattr(t, "NET", None) or {})
        with UartLoop(getattr(t, "UART_LOOP", ())) as loop:
            if loop.paths:
                net["uart"] = loop.paths
            try:
                r = Board(d, rt).run(source, net=net, files=getattr(t, "FILES", None),
                                     timeout=getattr(t, "TIMEOUT", 45))
            except subprocess.TimeoutExpired as e:
                # keep what it printed: the rows before the hang still count
                out = e.output.decode() if isinstance(e.output, bytes) else (e.output or "")
                return rt, {"code": "timed out", "out": out, "err": ""}
        return rt, {"code": r.code, "out": r.out, "err": r.err}

    work.mkdir(parents=True, exist_ok=True)

    with ThreadPoolExecutor(2) as pool:
        return dict(pool.map(one, RUNTIMES))


class UartLoop:
    """A null-modem cable between two of the board's UARTs: each is a pty
    whose far end this copies to the other's, so an app can write on one
    port and read what it wrote on the other."""

    def __init__(self, ports):
        self.paths, self._fds, self._stop = {}, {}, threading.Event()
        for n in ports:
            master, slave = os.openpty()
            self._fds[n] = (master, slave)
            self.paths[str(n)] = os.ttyname(slave)
        self._thread = None

    def _pump(self):
        (a, _), (b, _) = self._fds.values()
        other = {a: b, b: a}
        while not self._stop.is_set():
            ready, _, _ = select.select([a, b], [], [], 0.05)
            for fd in ready:
                try:
                    os.write(other[fd], os.read(fd, 4096))
                except OSError:
                    pass  # the board closed the port: nothing to carry

    def __enter__(self):
        if len(self._fds) == 2:
            self._thread = threading.Thread(target=self._pump, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        if self._thread:
            self._thread.join(5)
        for fds in self._fds.values():
            for fd in fds:
                os.close(fd)


_cache = {}


def _lock(f, seconds):
    """The module's lock, waited for no longer than its apps can take
    (another worker is running them)."""
    import time

    deadline = time.monotonic() + seconds
    while True:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise TimeoutError("another worker held the conformance lock for %d s" % seconds) from None
            time.sleep(0.05)  # a bounded poll of a file lock, not synchronisation by sleep


def _inproc_transcripts(tmp_path_factory):
    """Every in-process table's transcripts on both runtimes into _cache: each
    chunk's interpreters made once per session (as transcripts() below), all
    chunks started together by the first worker that needs one."""
    from conftest import Result
    from inproc.host import once

    chunks = {}
    for m in MODULES:
        if inproc(m):
            chunks.setdefault(chunk(m), []).append(m)

    def one(job):
        c, rt = job
        return rt, once(tmp_path_factory, "conformance_inproc_%s_%s" % (c, rt),
                        lambda work: _run_inproc(chunks[c], rt, work))

    jobs = [(c, rt) for c in chunks for rt in RUNTIMES]
    with ThreadPoolExecutor(len(jobs)) as pool:
        for rt, data in pool.map(one, jobs):
            for n, v in data.items():
                _cache.setdefault(n, {})[rt] = Result(v["code"], v["out"], v["err"])


def transcripts(name, tmp_path_factory):
    """A module's two transcripts, made once per session even when xdist
    splits the rows over workers: the first worker to need a module runs its
    apps, the others read what it saved in the session's shared temp dir."""
    from conftest import Result

    if name not in _cache and inproc(name):
        _inproc_transcripts(tmp_path_factory)
    if name not in _cache:
        base = tmp_path_factory.getbasetemp()
        shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
        saved = shared / ("conformance_%s.json" % name)
        with open(shared / ("conformance_%s.lock" % name), "w") as lock:
            _lock(lock, 3 * getattr(table(name), "TIMEOUT", 45) + 30)
            if saved.exists():
                data = json.loads(saved.read_text())
            else:
                data = _run_both(name, shared / ("conformance_" + name))
                saved.write_text(json.dumps(data))
        _cache[name] = {rt: Result(v["code"], v["out"], v["err"]) for rt, v in data.items()}
    return _cache[name]


def _params():
    out = []
    for name in MODULES:
        for i, r in enumerate(table(name).ROWS):
            for rt in RUNTIMES:
                why = r.missing.get(rt)
                marks = [pytest.mark.xfail(strict=True, reason="missing: " + why)] if why else []
                rid = "%s-%d-%s-[%s]-%s" % (name, i, r.code[:50], r.src, rt)
                out.append(pytest.param(name, i, rt, id=rid, marks=marks))
    return out


@pytest.mark.timeout(150)
@pytest.mark.parametrize("name,i,rt", _params())
def test_row(tmp_path_factory, name, i, rt):
    r = transcripts(name, tmp_path_factory)[rt]
    row = table(name).ROWS[i]
    try:
        got = r.value("row%d" % i)
    except AssertionError:
        pytest.fail("row %d never ran (the app stopped before it): %r" % (i, r))
    exp = row.expect
    if isinstance(exp, Raises):
        assert got[0] != "ok", f"{row.code}: raised nothing, returned {got[1]!r} ({row.src})"
        assert got[0] == exp.kind or exp.kind in got[3], (row.code, got, row.src)
        if exp.arg is not None:
            assert got[1] == exp.arg, (row.code, got, row.src)
        if exp.text is not None:
            assert exp.text in got[2], (row.code, got, row.src)
        return
    assert got[0] == "ok", f"{row.code}: raised {got} ({row.src})"
    assert got[1] == exp and type(got[1]) is type(exp), (row.code, got[1], exp, row.src)


@pytest.mark.timeout(150)
@pytest.mark.parametrize("rt", RUNTIMES)
@pytest.mark.parametrize("name", MODULES)
def test_app_ran_whole(tmp_path_factory, name, rt):
    """Each module's app ends normally after its last row (a crash or a hang
    would otherwise show only as rows that never ran)."""
    r = transcripts(name, tmp_path_factory)[rt]
    assert r.value("conformance-done") == len(table(name).ROWS), r
    assert r.code == 0, r
    check = getattr(table(name), "check_transcript", None)
    if check is not None:
        check(r, rt)


def test_rows_are_well_formed():
    total = 0
    for name in MODULES:
        t = table(name)
        assert isinstance(t.PRELUDE, str) and t.ROWS, name
        seen = set()
        for r in t.ROWS:
            assert isinstance(r, R), (name, r)
            assert (r.setup, r.code) not in seen, ("duplicate row", name, r)
            seen.add((r.setup, r.code))
            words = r.src.split()
            assert words[0] in SOURCES and len(words) >= 2, ("cite a source: TAG path clause", name, r)
            for part in r.src.split(";")[1:]:
                first = part.split()[0]
                assert first in SOURCES or not first.isupper(), ("unknown source tag", first, name, r)
            assert set(r.missing) <= set(RUNTIMES), (name, r)
        total += len(t.ROWS)
    assert total >= 300, total
