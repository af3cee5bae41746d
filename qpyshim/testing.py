"""Run a QuecPython app on the desktop board from a test and drive it: its
transcript, its serial lines, its modem. The only code that starts and
drives app processes for the tests; the pytest fixture `quecpython`
(qpyshim.pytest_plugin) hands these out, and they work without pytest too.

    app = QuecPythonApp("examples/uart_tcp_bridge", uarts=[2])
    app.expect(r"listening on [\\d.]+:(\\d+)")
    app.uart(2).write(b"hello")
    app.set_modem_fun(4)                   # the data call drops
    app.stop()

    r = run_app("examples/hello.py", runtime="cpython")   # one run to its end
    assert r.code == 0 and r.value("answer") == 42

Every wait has a timeout; a run that overstays it is killed with everything
it started (its session); nothing here sleeps to let the app catch up."""

import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from .netconfig import merge

STREAMS = ("stdout", "stderr")
DRAIN_S = 5.0  # how long the end of the output may lag the process's exit


class AppError(AssertionError):
    """The app did not do what the test waited for (its transcript attached)."""


class AppTimeout(AppError, subprocess.TimeoutExpired):
    """The app did not end within the timeout; it was killed. Also a
    subprocess.TimeoutExpired, whose .output is what it printed so far."""

    def __init__(self, message, cmd, timeout, output="", stderr=""):
        AppError.__init__(self, message)
        self.cmd, self.timeout, self.output, self.stderr = cmd, timeout, output, stderr

    def __str__(self):
        return self.args[0]


class Result:
    """A run that ended: exit status, what it printed, and the app's values."""

    def __init__(self, code, out, err):
        self.code, self.out, self.err = code, out, err
        self.lines = out.splitlines()

    def value(self, key):
        """What the app printed after KEY: a Python literal evaluated, else the text."""
        import ast

        for line in self.lines:
            if line.startswith(key + " "):
                text = line[len(key) + 1:]
                try:
                    return ast.literal_eval(text)
                except (ValueError, SyntaxError):
                    return text
        raise AssertionError(f"{key!r} not printed; stdout:\n{self.out}\nstderr:\n{self.err}")

    def __repr__(self):
        return f"<Result code={self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}>"


class AppProcess:
    """A command in a session of its own (so a kill takes whatever it
    started too), its stdout and stderr read line by line as they come.

    expect() reads the streams in `expect_from` (both by default) and keeps
    the lines it read in `seen`; `transcript` is every line of both so far."""

    def __init__(self, cmd, cwd=None, env=None, stdin=None, timeout=30.0, expect_from=STREAMS):
        self.cmd = list(cmd)
        self.timeout = timeout
        self.expect_from = tuple(expect_from)
        self.seen = []  # lines expect() and wait() read, in order
        self._raw = {name: [] for name in STREAMS}  # as printed, newlines kept
        self._all = []  # every line so far, both streams, as the pumps read them
        self._all_lock = threading.Lock()
        self._lines = queue.Queue()  # (stream, line); (stream, None) at its end
        self._open = set(STREAMS)  # streams whose end expect()/wait() has not met
        self.proc = subprocess.Popen(self.cmd, stdin=stdin, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, errors="replace", cwd=cwd,
                                     env=env, start_new_session=True)
        for name in STREAMS:
            threading.Thread(target=self._pump, args=(name,), daemon=True).start()

    def _pump(self, name):
        for raw in getattr(self.proc, name):
            line = raw.rstrip("\n")
            with self._all_lock:
                self._raw[name].append(raw)
                self._all.append(line)
            self._lines.put((name, line))
        self._lines.put((name, None))

    # -- the transcript
    @property
    def transcript(self):
        """Every line the app has written so far (stdout and stderr)."""
        with self._all_lock:
            return list(self._all)

    @property
    def stdout(self):
        with self._all_lock:
            return "".join(self._raw["stdout"])

    @property
    def stderr(self):
        """Its stderr so far, lines joined by newlines."""
        with self._all_lock:
            return "\n".join(line.rstrip("\n") for line in self._raw["stderr"])

    def expect(self, pattern, timeout=None, streams=None):
        """Wait for a line matching the regex; returns the match. The app is
        killed (the test failed) when none comes within the timeout."""
        return self.expect_all([pattern], timeout, streams)[0]

    def expect_all(self, patterns, timeout=None, streams=None):
        """Wait until every regex has matched a line, in any order (events
        from different threads, say); returns the matches in pattern order."""
        rxs = [re.compile(p) for p in patterns]
        found = [None] * len(rxs)
        streams = self.expect_from if streams is None else tuple(streams)
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while None in found:
            waiting = [p for p, f in zip(patterns, found) if f is None]
            line = self._next_line(deadline, waiting, streams)
            for i, rx in enumerate(rxs):
                if found[i] is None:
                    m = rx.search(line)
                    if m:
                        found[i] = m
                        break
        return found

    def _next_line(self, deadline, waiting, streams):
        what = f"line matching {waiting[0]!r}" if len(waiting) == 1 else f"lines matching {waiting!r}"
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self._fail(f"no {what} within the timeout")
            try:
                name, line = self._lines.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                self._open.discard(name)
                if not self._open.intersection(streams):
                    self._fail(f"the app ended while waiting for a {what}")
                continue
            if name in streams:
                self.seen.append(line)
                return line

    def _fail(self, why):
        self.kill()
        raise AppError(f"{why}\n{self._tail()}")

    def _tail(self, n=40):
        with self._all_lock:
            out = [line.rstrip("\n") for line in self._raw["stdout"][-n:]]
            err = [line.rstrip("\n") for line in self._raw["stderr"][-n:]]
        return "stdout:\n" + "\n".join(out) + "\nstderr:\n" + "\n".join(err)

    # -- the end
    def wait(self, timeout=None):
        """Wait for the app to end by itself; its exit status. One that does
        not within the timeout is killed (AppTimeout)."""
        t = self.timeout if timeout is None else timeout
        try:
            code = self.proc.wait(t)
        except subprocess.TimeoutExpired:
            self.kill()
            self._drain()
            raise AppTimeout(f"the app did not end within {t:g} s\n{self._tail()}", self.cmd, t,
                             self.stdout, "".join(self._raw["stderr"])) from None
        self._drain()
        return code

    def interrupt(self, timeout=20):
        """Ctrl-C the runner, as a user at the terminal would; its exit status."""
        self.proc.send_signal(signal.SIGINT)
        return self.wait(timeout)

    def stop(self, timeout=10.0):
        """Ctrl-C the app, kill it if it will not stop; its exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        self._drain()
        return self.proc.returncode

    def kill(self):
        """SIGKILL to the app's whole session (its process group, and the
        groups of its own that the runner gives each board): nothing it
        started is left."""
        kills = [(os.killpg, self.proc.pid)] + [(os.kill, p) for p in session_members(self.proc.pid)]
        for kill, pid in kills:
            try:
                kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self.proc.wait(10)

    def _drain(self):
        """Read to the end of the output (DRAIN_S at most without a line)."""
        while self._open:
            try:
                name, line = self._lines.get(timeout=DRAIN_S)
            except queue.Empty:
                break
            if line is None:
                self._open.discard(name)
            elif name in self.expect_from:
                self.seen.append(line)

    def result(self, timeout=None):
        """Wait for the end (see wait()); the exit status and the output."""
        code = self.wait(timeout)
        with self._all_lock:
            return Result(code, "".join(self._raw["stdout"]), "".join(self._raw["stderr"]))

    def close(self):
        self.stop()
        self.kill()  # anything the app left in its session

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class QuecPythonApp(AppProcess):
    """`qpyshim run` of one app. `app` is a .py file or a folder with a
    main.py (run where it is), or None with the app all in `files` (name ->
    text, bytes, or JSON data; also added to a copy of `app`). `net` is
    merged into the board's config; `uarts` get host-side pty ends;
    `control=False` leaves out the control channel (qpyshim.control);
    `netns=True` runs it in a network namespace of its own with only
    loopback up (root only: the test is skipped otherwise)."""

    def __init__(self, app, runtime="micropython", net=None, uarts=(), files=None,
                 board="unix", workdir=None, timeout=30.0, args=(), netns=False, control=True,
                 cwd=None, env=None, expect_from=STREAMS):
        self._tmp = None
        self.control = None
        self._uarts = {}
        if workdir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="qpyshim-app-")
            workdir = self._tmp.name
        work = Path(workdir)
        work.mkdir(parents=True, exist_ok=True)
        if app is None or files:
            app = self._copy(None if app is None else Path(app), work / "app", files or {})
        cfg = dict(net or {})
        if control:
            from .control import BoardControl

            self.control = BoardControl(timeout=timeout)
            cfg = merge(cfg, self.control.config())
        if uarts:
            from .serialline import PtyLine

            self._uarts = {int(n): PtyLine() for n in uarts}
            cfg["uart"] = dict(cfg.get("uart") or {}, **{str(n): u.path for n, u in self._uarts.items()})
        net_file = work / "net.json"
        net_file.write_text(json.dumps(cfg))
        cmd = [sys.executable, "-m", "qpyshim", "run", "--runtime", runtime, "--board", board,
               "--net", str(net_file), *args, str(app)]
        try:
            if netns:
                cmd = private_network(cmd)
            super().__init__(cmd, cwd=cwd, env=_run_env(env), timeout=timeout, expect_from=expect_from)
        except BaseException:
            self._release()
            raise

    @staticmethod
    def _copy(src, dest, files):
        if src is None:  # the app is all in `files`
            dest.mkdir(parents=True)
        elif src.is_dir():
            shutil.copytree(src, dest)
        else:
            dest.mkdir(parents=True)
            shutil.copy(src, dest / "main.py")
        for name, content in files.items():
            p = dest / name
            p.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, (dict, list)):
                content = json.dumps(content)
            p.write_bytes(content if isinstance(content, bytes) else content.encode())
        return dest

    # -- serial lines
    def uart(self, n):
        """The host's end of machine.UART(n): write(), read(), read_until()
        (TimeoutError with what did come), settings()."""
        return self._uarts[n]

    # -- the modem (the control channel)
    def _control(self):
        if self.control is None:
            raise AppError("this app was started with control=False")
        return self.control

    def wait_ready(self):
        self._control().wait_ready()

    def state(self):
        return self._control().state()

    def set_modem_fun(self, fun):
        return self._control().set_modem_fun(fun)

    def remove_sim(self):
        return self._control().remove_sim()

    def insert_sim(self):
        return self._control().insert_sim()

    def drop_data_call(self, profile=1):
        return self._control().drop_data_call(profile)

    def restore_data_call(self, profile=1):
        return self._control().restore_data_call(profile)

    def set_pin(self, gpio, level):
        return self._control().set_pin(gpio, level)

    def set_adc(self, channel, mv):
        return self._control().set_adc(channel, mv)

    def pwm_state(self):
        return self._control().pwm_state()

    def close(self):
        try:
            super().close()
        finally:
            self._release()

    def _release(self):
        if self.control is not None:
            self.control.close()
        for u in self._uarts.values():
            u.close()
        if self._tmp is not None:
            self._tmp.cleanup()


RAM_TMP = "/dev/shm"


def _run_env(env):
    """The caller's environment for the run, else ours with the temporary
    flash on a RAM file system (Linux's /dev/shm) unless TMPDIR names a
    place: `qpyshim run` writes a hundred files there and removes them,
    ~20 ms in RAM against 40-300 ms on a disk busy with a test suite."""
    if env is not None or "TMPDIR" in os.environ:
        return env
    if os.path.isdir(RAM_TMP) and os.access(RAM_TMP, os.W_OK | os.X_OK):
        return dict(os.environ, TMPDIR=RAM_TMP)
    return None


def session_members(sid):
    """Live processes of session `sid` (Linux /proc; elsewhere none)."""
    found = []
    try:
        names = os.listdir("/proc")
    except OSError:
        return found
    for name in names:
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", "rb") as f:
                    fields = f.read().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == sid and fields[0] != b"Z" and int(name) != sid:
                found.append(int(name))
    return found


def run_app(app, timeout=30.0, control=False, **kw):
    """One run of an app to its end (QuecPythonApp's arguments): a Result.
    A run that overstays `timeout` is killed (AppTimeout)."""
    a = QuecPythonApp(app, timeout=timeout, control=control, **kw)
    try:
        return a.result()
    finally:
        a.close()


def private_network(cmd):
    """cmd in a network namespace of its own with only loopback up: even a
    broken guard could not send a packet anywhere else. Needs root."""
    if not shutil.which("unshare") or os.geteuid() != 0:
        import pytest

        pytest.skip("needs root and unshare for a private network namespace")
    return ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "sh", *cmd]
