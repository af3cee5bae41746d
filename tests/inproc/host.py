"""The pytest side of the in-process runner (tests/inproc/runner.py).

A case file holds `def case_xxx(r):` functions that run inside ONE board
interpreter per (case file, runtime): the shim is installed once in it, the
cases run one after the other, each with its own transcript `r` (read like a
qpyshim.testing.Result: r.code, r.out, r.err, r.lines, r.value(key)). Every
usocket socket a case made is closed after it; a case file may define
`teardown()` to put back any other board state it changed.

    CASES = CaseFile(Path(__file__).parent / "inproc" / "usocket_cases.py")

    @pytest.mark.parametrize("runtime,name", CASES.params())
    def test_usocket(runtime, name, tmp_path_factory):
        CASES.check(runtime, name, tmp_path_factory)

Each (case file, runtime) runs once per session: the first xdist worker to
need it runs it and saves the outcome in the session's shared temp dir, the
others read that. A case that does not end within `case_timeout` fails on
its own; the interpreter is killed and the cases after it run in a new one."""

import ast
import contextlib
import fcntl
import json
import os
import selectors
import subprocess
import threading
import time
from pathlib import Path

import pytest

from qpyshim import netconfig, paths, standins
from qpyshim.runner import interpreter

RUNTIMES = ("micropython", "cpython")
RUNNER = Path(__file__).resolve().parent / "runner.py"
APP_CASES = Path(__file__).resolve().parent / "app_cases.py"
MARK = "@@inproc "
# As the subprocess tests' boards: port 80 in a case becomes a free port.
TEST_NET = {"ports": {"remap_privileged": "always", "offset": 0}}


def case_names(path):
    """The case functions of a case file, in file order, read without importing it."""
    tree = ast.parse(Path(path).read_text(), str(path))
    return [n.name for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("case_")]


def _config(work, net, stack=None):
    """The board.json `qpyshim run` would write, with the stand-in servers
    it names started (entered into the returned ExitStack)."""
    stack = stack or contextlib.ExitStack()
    work.mkdir(parents=True, exist_ok=True)
    net_file = work / "net.json"
    net_file.write_text(json.dumps(netconfig.merge(TEST_NET, net or {})))
    cfg = netconfig.load(paths.board_dir("unix") / "board.json", net_file)
    endpoints = cfg["endpoints"] = cfg.get("endpoints") or {}
    for s in cfg.get("stand_ins") or []:
        if s["endpoint"] not in endpoints:
            endpoints[s["endpoint"]] = stack.enter_context(standins.KINDS[s["kind"]]()).address
    conf = work / "board.json"
    conf.write_text(json.dumps(cfg, indent=1))
    return conf, stack


def _run_once(path, runtime, names, work, net, case_timeout, case_nets=None, env=None):
    """Run `names` in one interpreter until all ended or one hangs: the
    outcomes so far ({name: dict}) and what the run printed outside the
    cases (stdout, then stderr). With `case_nets` ({name: net}) every case
    runs on a fresh board: its own config (`net`, then its entry) or the run's."""
    flash = work / "flash"
    (flash / "usr").mkdir(parents=True, exist_ok=True)
    (flash / "bak").mkdir(exist_ok=True)
    conf, stack = _config(work, net)
    env = dict(os.environ, QPYSHIM_FLASH=str(flash), QPYSHIM_USR=str(flash / "usr"),
               QPYSHIM_CONFIG=str(conf), PYTHONUNBUFFERED="1", **(env or {}))
    if case_nets is not None:
        cases = work / "cases"
        for name in names:
            if name in case_nets:
                own, _ = _config(cases / name, netconfig.merge(net or {}, case_nets[name]), stack)
                own.rename(cases / f"{name}.json")
        env["QPYSHIM_CASE_CONFIGS"] = str(cases)
    got, current, buf, other = {}, None, b"", []
    err_path = work / "stderr.txt"
    with stack, open(err_path, "wb") as err:
        proc = subprocess.Popen([interpreter(runtime), str(RUNNER), str(paths.ROOT),
                                 str(Path(path).resolve()), *names],
                                stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL,
                                cwd=str(work), env=env, start_new_session=True)
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + case_timeout  # for starting up, then per case
        timed_out = False
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    timed_out = True
                    break
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    break
                buf += chunk
                *lines, buf = buf.split(b"\n")
                for raw in lines:
                    line = raw.decode("utf-8", "replace")
                    if not line.startswith(MARK):
                        other.append(line)  # what no case caught (MicroPython's own tracebacks)
                        continue
                    what, _, rest = line[len(MARK):].partition(" ")
                    if what == "start":
                        current, deadline = rest, time.monotonic() + case_timeout
                    elif what == "end":
                        name, _, data = rest.partition(" ")
                        got[name], current = json.loads(data), None
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, 9)
            proc.wait(10)
            proc.stdout.close()
    err_text = err_path.read_text(errors="replace")
    if other:
        err_text = "\n".join(other[-100:]) + "\n--- stderr\n" + err_text
    if current is not None:  # the case that was running when the run ended
        why = f"no end within {case_timeout} s (killed)" if timed_out else "the interpreter ended in this case"
        got[current] = {"ok": False, "tb": f"{why}; stderr of the run:\n{err_text}", "out": "", "err": err_text}
    return got, err_text


def run_cases(path, runtime, work, names=None, net=None, case_timeout=30, case_nets=None, env=None):
    """Every case's outcome: {name: {"ok", "tb", "out", "err", ...}}. A case
    the interpreter died or hung in fails with the run's stderr; the cases
    after it run in a fresh interpreter. `case_nets`: see _run_once; `env`:
    more environment for the interpreter."""
    todo = list(names or case_names(path))
    results, n = {}, 0
    while todo:
        n += 1
        w = Path(work) / f"run{n}"
        w.mkdir(parents=True, exist_ok=True)
        got, err = _run_once(path, runtime, todo, w, net, case_timeout, case_nets, env)
        results.update(got)
        if not got:  # it never reached a case: every one left fails with what it said
            for c in todo:
                results[c] = {"ok": False, "tb": "the interpreter did not start the cases:\n" + err,
                              "out": "", "err": err}
        todo = [c for c in todo if c not in results]
    return results


def run_apps(apps, runtime, work, case_timeout=45):
    """Whole apps in-process, one after the other in ONE interpreter, each on a
    fresh board and empty flash (tests/inproc/app_cases.py). `apps`: {name:
    {"source": main.py (conftest's PRELUDE goes first, as Board.run puts it),
    "net": the config over TEST_NET, "files": {path in /usr: text}}}.
    Returns {name: {"code", "out", "err"}}, read as a Board.run Result: code 0
    when the app ended normally, else 1 with the traceback in err."""
    from conftest import PRELUDE

    d = Path(work) / "apps"
    d.mkdir(parents=True, exist_ok=True)
    for name, app in apps.items():
        assert name.isidentifier(), f"an app's name is a case name: {name!r}"
        spec = {"source": PRELUDE + app["source"], "files": sorted((app.get("files") or {}).items())}
        (d / f"{name}.json").write_text(json.dumps(spec))
    got = run_cases(APP_CASES, runtime, work, ["case_" + n for n in apps], case_timeout=case_timeout,
                    case_nets={"case_" + n: a.get("net") or {} for n, a in apps.items()},
                    env={"INPROC_APPS": str(d)})
    return {n: {"code": 0 if g["ok"] else 1, "out": g["out"], "err": g["err"] + g["tb"]}
            for n, g in ((n, got["case_" + n]) for n in apps)}


_basetemp = threading.Lock()


def once(tmp_path_factory, key, make, wait=600):
    """make()'s JSON-able value, made once per test session: the first xdist
    worker to ask makes it and saves it in the session's shared temp dir (its
    argument: a work dir there), the others wait for it and read it."""
    with _basetemp:  # the first call makes the dir: callers run both runtimes in threads
        base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    saved = shared / f"{key}.json"
    with open(shared / f"{key}.lock", "w") as lock:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"another worker held {key}'s lock for {wait} s") from None
                time.sleep(0.05)  # a bounded poll of a file lock, not synchronisation by sleep
        if saved.exists():
            return json.loads(saved.read_text())
        data = make(shared / key)
        saved.write_text(json.dumps(data))
        return data


def run_app(runtime, work, source, net=None, files=None, timeout=45):
    """One app in-process (run_apps), run now: a Result, read as Board.run's.
    For an app whose peers live in the test (the test checks them after)."""
    from conftest import Result

    v = run_apps({"app": {"source": source, "net": net, "files": files}}, runtime, work, timeout)["app"]
    return Result(v["code"], v["out"], v["err"])


def app_result(tmp_path_factory, key, runtime, source, net=None, files=None, timeout=45):
    """One app run in-process (run_apps) once per session (once): a Result,
    read as Board.run's. `key` names it in the session (unique per runtime)."""
    from conftest import Result

    v = once(tmp_path_factory, key, lambda work: run_apps(
        {"app": {"source": source, "net": net, "files": files}}, runtime, work, timeout)["app"])
    return Result(v["code"], v["out"], v["err"])


class CaseFile:
    def __init__(self, path, net=None, case_timeout=30, runtimes=RUNTIMES, case_nets=None):
        self.path = Path(path).resolve()
        self.net = net
        self.case_nets = case_nets  # {name: net}: every case on a fresh board (see _run_once)
        self.case_timeout = case_timeout
        self.runtimes = runtimes
        self.names = case_names(self.path)
        self._done = {}

    def params(self):
        return [pytest.param(rt, n, id=f"{rt}-{n[5:]}") for rt in self.runtimes for n in self.names]

    def results(self, runtime, tmp_path_factory):
        """This file's outcomes on runtime, made once per session (see the module doc)."""
        if runtime not in self._done:
            self._done[runtime] = once(
                tmp_path_factory, f"inproc-{self.path.stem}-{runtime}",
                lambda work: run_cases(self.path, runtime, work, self.names, self.net, self.case_timeout,
                                       self.case_nets))
        return self._done[runtime]

    def check(self, runtime, name, tmp_path_factory):
        got = self.results(runtime, tmp_path_factory).get(name)
        assert got is not None, f"{name}: no outcome"
        if got.get("skip"):
            pytest.skip(got["skip"])
        assert got["ok"], (f"{name} on {runtime} failed:\n{got['tb']}\n--- stdout\n{got['out']}"
                           f"\n--- stderr\n{got['err']}")
