"""Worker processes on the MicroPython unix port: start one, read its lines
with a deadline, send it commands, and make sure it is gone afterwards. Every
wait here is bounded; a worker that misses a deadline is killed and the run
fails with what it printed."""

import os
import resource
import selectors
import socket
import subprocess
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORKERS = HERE / "workers"
MICROPYTHON = ROOT / ".venv" / "bin" / "micropython"
STOP_S = 10  # how long a worker gets to leave after "quit" before it is killed


class WorkerError(RuntimeError):
    pass


def raise_nofile():
    """Soft RLIMIT_NOFILE up to the hard limit, inherited by every worker: the
    1,000-client run holds 1,000 sockets in one process and 1,001 in another."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def free_port():
    """A loopback port nobody holds. The kernel picks it, so it collides with
    no listener and no TIME_WAIT left by earlier runs (a fixed port can)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Worker:
    """One micropython process running bench/workers/SCRIPT with ARGS."""

    def __init__(self, script, *args, env=None, cwd=None, cpus=None):
        cmd = [str(MICROPYTHON), str(WORKERS / script), *map(str, args)]
        if cpus is not None:
            cmd = ["taskset", "-c", cpus, *cmd]
        self.name = f"{script} {' '.join(map(str, args))}"
        self._err = tempfile.TemporaryFile()  # a file, not a pipe: stderr can never fill up and block it
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self._err, env=env, cwd=cwd or WORKERS)
        self._sel = selectors.DefaultSelector()
        self._sel.register(self.proc.stdout, selectors.EVENT_READ)
        self._buf = b""
        self.seen = []

    def line(self, timeout):
        """The worker's next stdout line (without the newline)."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not self._sel.select(left):
                self.fail(f"no output within {timeout:.0f} s")
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                self.fail("exited")
            self._buf += chunk
        raw, self._buf = self._buf.split(b"\n", 1)
        text = raw.decode(errors="replace")
        self.seen.append(text)
        return text

    def expect(self, word, timeout):
        """Words of the next line starting with `word`; other lines are kept
        in `seen` for the error message."""
        deadline = time.monotonic() + timeout
        while True:
            words = self.line(max(0.01, deadline - time.monotonic())).split()
            if words and words[0] == word:
                return words[1:]

    def send(self, command):
        try:
            self.proc.stdin.write(command.encode() + b"\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            self.fail("stdin closed")

    def stop(self):
        """Ask it to quit (EOF on stdin), then kill it if it won't."""
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
            except BrokenPipeError:
                pass
            try:
                self.proc.wait(STOP_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(STOP_S)
        self._sel.close()
        self.proc.stdout.close()
        self._err.close()

    def fail(self, why):
        self.proc.kill()
        try:
            self.proc.wait(STOP_S)
        except subprocess.TimeoutExpired:
            pass
        self._err.seek(0)
        err = self._err.read()
        raise WorkerError(f"{self.name}: {why}\n  stdout: {' | '.join(self.seen[-5:])}\n"
                          f"  stderr: {err.decode(errors='replace')[-2000:]}")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
