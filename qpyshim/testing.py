"""Run a QuecPython app on the desktop board from a test and drive it: its
serial lines, its modem, its transcript. The pytest fixture `quecpython`
(qpyshim.pytest_plugin) hands these out; they work without pytest too.

    app = QuecPythonApp("examples/uart_tcp_bridge", uarts=[2])
    app.expect(r"listening on [\\d.]+:(\\d+)")
    app.uart(2).write(b"hello")
    app.set_modem_fun(4)                   # the data call drops
    app.stop()

Every wait has a timeout; nothing here sleeps to let the app catch up."""

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

from .control import BoardControl
from .netconfig import merge
from .serialline import PtyLine


class AppError(AssertionError):
    """The app did not do what the test waited for (its transcript attached)."""


class QuecPythonApp:
    def __init__(self, app, runtime="micropython", net=None, uarts=(), files=None,
                 board="unix", workdir=None, timeout=30.0, args=()):
        self.timeout = timeout
        self._tmp = None
        if workdir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="qpyshim-app-")
            workdir = self._tmp.name
        work = Path(workdir)
        work.mkdir(parents=True, exist_ok=True)
        app = self._copy(None if app is None else Path(app), work / "app", files or {})
        self.control = BoardControl(timeout=timeout)
        self._uarts = {int(n): PtyLine() for n in uarts}
        cfg = merge(net or {}, self.control.config())
        cfg["uart"] = dict(cfg.get("uart") or {}, **{str(n): u.path for n, u in self._uarts.items()})
        net_file = work / "net.json"
        net_file.write_text(json.dumps(cfg))
        cmd = [sys.executable, "-m", "qpyshim", "run", "--runtime", runtime, "--board", board,
               "--net", str(net_file), *args, str(app)]
        # A session of its own, so stopping it takes the board under the runner too.
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     errors="replace", start_new_session=True)
        self._all = []  # every line so far, stdout and stderr, as the pumps read them
        self._all_lock = threading.Lock()
        self._lines = queue.Queue()
        self._open = 2
        for stream in (self.proc.stdout, self.proc.stderr):
            threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

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

    def _pump(self, stream):
        for line in stream:
            line = line.rstrip("\n")
            with self._all_lock:
                self._all.append(line)
            self._lines.put(line)
        self._lines.put(None)

    @property
    def transcript(self):
        """Every line the app has written so far (stdout and stderr)."""
        with self._all_lock:
            return list(self._all)

    # -- the transcript
    def expect(self, pattern, timeout=None):
        """Wait for a transcript line matching the regex; returns the match."""
        return self.expect_all([pattern], timeout)[0]

    def expect_all(self, patterns, timeout=None):
        """Wait until every regex has matched a line, in any order (events
        from different threads, say); returns the matches in pattern order."""
        rxs = [re.compile(p) for p in patterns]
        found = [None] * len(rxs)
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while None in found:
            waiting = [p for p, f in zip(patterns, found) if f is None]
            line = self._next_line(deadline, waiting)
            for i, rx in enumerate(rxs):
                if found[i] is None:
                    m = rx.search(line)
                    if m:
                        found[i] = m
                        break
        return found

    def _next_line(self, deadline, waiting):
        what = f"line matching {waiting[0]!r}" if len(waiting) == 1 else f"lines matching {waiting!r}"
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AppError(f"no {what} within the timeout\n{self._tail()}")
            try:
                line = self._lines.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                self._open -= 1
                if self._open == 0:
                    raise AppError(f"the app ended while waiting for a {what}\n{self._tail()}")
                continue
            return line

    def _tail(self):
        return "transcript:\n" + "\n".join(self.transcript[-40:])

    # -- serial lines
    def uart(self, n):
        """The host's end of machine.UART(n): write(), read(), read_until()
        (TimeoutError with what did come), settings()."""
        return self._uarts[n]

    # -- the modem
    def wait_ready(self):
        self.control.wait_ready()

    def state(self):
        return self.control.state()

    def set_modem_fun(self, fun):
        return self.control.set_modem_fun(fun)

    def remove_sim(self):
        return self.control.remove_sim()

    def insert_sim(self):
        return self.control.insert_sim()

    def drop_data_call(self, profile=1):
        return self.control.drop_data_call(profile)

    def restore_data_call(self, profile=1):
        return self.control.restore_data_call(profile)

    def set_pin(self, gpio, level):
        return self.control.set_pin(gpio, level)

    def set_adc(self, channel, mv):
        return self.control.set_adc(channel, mv)

    def pwm_state(self):
        return self.control.pwm_state()

    # -- the end
    def wait(self, timeout=None):
        """Wait for the app to end by itself; its exit status."""
        try:
            code = self.proc.wait(self.timeout if timeout is None else timeout)
        except subprocess.TimeoutExpired:
            raise AppError(f"the app did not end within the timeout\n{self._tail()}") from None
        self._drain()
        return code

    def stop(self, timeout=10.0):
        """Ctrl-C the board as a user would, kill it if it will not stop."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        self._drain()
        return self.proc.returncode

    def kill(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(10)

    def _drain(self):
        """Wait (5 s at most) for the pumps to reach the end of the output."""
        while self._open:
            try:
                line = self._lines.get(timeout=5)
            except queue.Empty:
                break
            if line is None:
                self._open -= 1

    def close(self):
        self.stop()
        self.kill()  # anything the board left in its session
        self.control.close()
        for u in self._uarts.values():
            u.close()
        if self._tmp is not None:
            self._tmp.cleanup()
