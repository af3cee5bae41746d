"""A Locust user that is one desktop board: past one machine, run a fleet
under Locust (its master/worker mode spreads the users over machines, its
web UI and statistics come with it) instead of `qpyshim fleet`.

    from qpyshim.locust import BoardUser

    class EchoBoard(BoardUser):
        app = "examples/echo_demo"
        lines = {"echo round trip": r"^\\[client\\] recv data"}

Each user is one board: its own identity (the fleet's patterns, device
number = worker index * PER_WORKER + the user's number in its worker), its
own loopback block, its own flash. Its task boots the board and reads what
it prints until the app ends (or max_run_s, or Locust stops the user), then
Locust's wait_time passes and the board boots again (a power cycle: same
identity, same flash). What it reports to Locust's statistics
(request_type / name):

    board / boot             time from power-on to the first printed line
    board / restart          the app restarted the board (misc.Power.powerRestart)
    board / exit             the run's length; a failure if the app's status is not 0
    line  / NAME             each line matching lines[NAME]: time since the board's previous line
                             (the echo demo's "recv data" follows its "send data": one round trip)

The boards run as the fleet's do (qpyshim/fleetboard.py): one process each, in a
process group of its own, killed with the Locust worker however it ends;
the config's stand-in servers run once per worker process. Locust runs every
user in a gevent greenlet and patches subprocess, so a board's output is
read without holding up the other users.
"""

import atexit
import contextlib
import logging
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

from locust import User, constant, task

from . import fleet, fleetboard, lifeline, loopblock, runner

log = logging.getLogger(__name__)
PER_WORKER = 1000  # device numbers per Locust worker: worker k's users are k*1000+1, k*1000+2, ...


class BoardExit(Exception):
    """The board's app ended with a status that is not 0."""


class _Shared:
    """What every board of one worker process shares: the config, the
    template flash, the stand-in servers, a temporary folder (removed at the
    end, or by the lifeline watcher if the worker is killed)."""

    _all = {}
    _lock = threading.Lock()

    def __init__(self, app, net, board, runtime):
        self.stack = contextlib.ExitStack()
        watch = self.stack.enter_context(lifeline.Lifeline())
        self.root = self.stack.enter_context(tempfile.TemporaryDirectory(prefix="qpyshim-locust-"))
        watch.add(folders=[self.root])
        self.cfg = fleetboard.load_config(board, net)
        runner.start_stand_ins(self.cfg, self.stack)
        self.tpl = fleetboard.lay_template(self.root, app, runtime, self.cfg)
        self.cmd = runner.board_command(runner.interpreter(runtime), board)
        self.count = 0

    @classmethod
    def get(cls, app, net, board, runtime):
        key = (str(app), str(net), board, runtime)
        with cls._lock:
            if key not in cls._all:
                if not cls._all:
                    atexit.register(cls.close_all)
                cls._all[key] = cls(app, net, board, runtime)
            return cls._all[key]

    @classmethod
    def close_all(cls):
        with cls._lock:
            for shared in cls._all.values():
                shared.stack.close()
            cls._all.clear()


def _halt(proc, halted):
    """max_run_s is up: power the board off (the read of its output then ends)."""
    import gevent

    halted.append(True)
    with contextlib.suppress(ProcessLookupError):
        proc.terminate()
    gevent.sleep(fleet.STOP_GRACE)
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()


class BoardUser(User):
    """One board per user. Set `app` (a .py file or a folder with main.py);
    optionally `net` (a --net file, e.g. mapping your server's address),
    `lines` ({name: regex}), `max_run_s`, `echo` (print the board's lines,
    prefixed with [devNNNN], on the worker's stdout)."""

    abstract = True
    app = None
    net = None
    board_name = "unix"  # the board config under boards/
    runtime = "micropython"
    lines = {}
    max_run_s = None  # None: until the app ends or Locust stops the user
    echo = False
    wait_time = constant(1)

    def on_start(self):
        if not self.app:
            raise ValueError(f"{type(self).__name__}.app: set it to the app to run (a .py file or a folder)")
        self._shared = _Shared.get(self.app, self.net, self.board_name, self.runtime)
        self._shared.count += 1
        lr = self.environment.runner  # Locust's runner, this worker's
        index = max(0, getattr(lr, "worker_index", 0) or 0)
        self.n = index * PER_WORKER + self._shared.count
        self.tag = f"[dev{self.n:04d}] "
        self._patterns = [(name, re.compile(rx)) for name, rx in self.lines.items()]
        self._block = loopblock.claim()
        cfg = fleetboard.board_config(self._shared.cfg, self.n, self._block)
        self.imei = cfg["modem"]["imei"]
        self._flash = fleetboard.lay_board(self._shared.root, self._shared.tpl, f"dev{self.n:04d}-{os.getpid()}")
        self._env = runner.write_config(self._flash, cfg)
        self._proc = None
        log.info("qpyshim board dev%04d: IMEI %s, ICCID %s, addresses %s", self.n, self.imei,
                 cfg["sim"]["iccid"], self._block.network)

    def on_stop(self):
        self._power_off()
        if getattr(self, "_block", None) is not None:
            self._block.release()
            self._block = None

    def _fire(self, request_type, name, ms, length=0, exception=None):
        self.environment.events.request.fire(request_type=request_type, name=name, response_time=ms,
                                             response_length=length, exception=exception,
                                             context={"device": self.n, "imei": self.imei})

    def _power_off(self):
        proc, self._proc = getattr(self, "_proc", None), None
        if proc is None:
            return
        try:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    proc.terminate()
                try:
                    proc.wait(fleet.STOP_GRACE)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        finally:
            proc.stdout.close()

    def run_board(self):
        """One power-on until the app ends (restarts the app asks for included)."""
        env = dict(self._env)
        start = time.perf_counter()
        deadline = None if self.max_run_s is None else time.monotonic() + self.max_run_s
        while True:
            boot = last = time.perf_counter()
            self._proc = proc = fleetboard.spawn(self._shared.cmd, env, self._flash)
            first = True
            timer = None
            halted = []
            if deadline is not None:
                # Locust's greenlets: a timer that powers the board off ends the read below
                import gevent

                timer = gevent.spawn_later(max(0.0, deadline - time.monotonic()), _halt, proc, halted)
            try:
                for raw in proc.stdout:
                    now = time.perf_counter()
                    text = raw.decode("utf-8", "replace").rstrip("\r\n")
                    if self.echo:
                        sys.stdout.write(self.tag + text + "\n")
                    if first:
                        first = False
                        self._fire("board", "boot", (now - boot) * 1000)
                    for name, rx in self._patterns:
                        if rx.search(text):
                            self._fire("line", name, (now - last) * 1000, len(raw))
                    last = now
                code = proc.wait()
            finally:
                if timer is not None:
                    timer.kill()
                self._power_off()
            if first:
                self._fire("board", "boot", (time.perf_counter() - boot) * 1000,
                           exception=BoardExit(f"the board ended before it printed anything: {fleet._status(code)}"))
            if -code in runner.RESTART and not halted:
                env["QPYSHIM_BOOT_REASON"] = str(runner.RESTART[-code])
                self._fire("board", "restart", (time.perf_counter() - boot) * 1000)
                continue
            stopped = bool(halted) and code in (-signal.SIGTERM, -signal.SIGKILL)  # max_run_s, not the app
            ok = code == 0 or code == -runner.POWER_DOWN or stopped
            self._fire("board", "exit", (time.perf_counter() - start) * 1000,
                       exception=None if ok else BoardExit(fleet._status(code)))
            return code

    @task
    def board(self):
        self.run_board()
