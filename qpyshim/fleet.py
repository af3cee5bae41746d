"""`qpyshim fleet N APP`: N desktop boards of one app, each with an identity
of its own (IMEI, ICCID, IMSI, phone, serial number; its own loopback block
for its addresses), run by this one supervisor: one merged transcript with a
device prefix, per-device control, and a summary at the end.

The supervisor does what `qpyshim run` does for one board, for all of them,
without a runner process per board: the flash is laid out once by the
runner's own layout_flash and linked into each board's folder (only /usr, the
part an app writes, is copied), the stand-in servers run once for the whole
fleet, and every board's output, exit and the operator's commands go through
one selector loop.

    qpyshim fleet 200 examples/echo_demo --rate 20

Commands on stdin while it runs (device numbers start at 1):
    drop N [PROFILE]     the board's data call goes down (its dataCall callback hears it)
    restore N [PROFILE]  ... and comes back
    restart N            the board boots again (misc.Power.powerOnReason() 2)
    stop N               the board gets a Ctrl-C (then a second, then a kill, as at the end)
    status               one line per state: how many boards are in it
    quit                 every board gets a Ctrl-C; then the summary
"""

import collections
import concurrent.futures
import contextlib
import copy
import functools
import json
import os
import queue
import selectors
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from . import lifeline, loopblock, netconfig, paths, runner
from .fleetboard import (MAX_BOARDS, FleetError, _raise_nofile, board_config, identity, lay_board, lay_template,
                         load_config, spawn)
from .runner import board_command, start_stand_ins, write_config

STOP_GRACE = runner.STOP_GRACE
START_BATCH = 4  # boards started between two reads of the others' output
CONTROL_S = 5.0  # how long a drop/restore waits for the board's answer
STARTING_S = 2.0  # a board booted this recently may still be starting: powered off, not Ctrl-C'd


class Board:
    """One board of the fleet: its number, identity, flash, process."""

    def __init__(self, n, tag):
        self.n = n
        self.tag = tag  # "[dev007] "
        self.state = "waiting"  # waiting, running, ended, failed, stopped
        self.proc = None
        self.block = None
        self.flash = None
        self.env = None
        self.control = None
        self.pidfd = None
        self.buf = b""
        self.code = None  # the last exit status
        self.boots = 0
        self.restarts = 0
        self.started = None  # monotonic time of the first boot
        self.imei = None
        self.stopping = False  # we stopped it: its status is not the app's failure
        self.nudge_at = None  # when a board that ignores the stop gets the next signal
        self.nudges = ()  # the signals still to come, as runner._stop sends them
        self.booted = None  # monotonic time of the current boot
        self.quick = 0  # restarts in a row, each soon after its power-on


class Summary:
    """What happened to the fleet. ran: boards that booted; ok: ended with
    status 0, powered down, or were stopped by the fleet's own end; failed:
    ended otherwise (exit status != 0, killed); restarts: boots after the
    first, the app's own and commanded ones."""

    def __init__(self, boards, elapsed, start_s, peak):
        self.count = len(boards)
        self.ran = sum(1 for b in boards if b.boots)
        self.ok = sum(1 for b in boards if b.state in ("ended", "stopped") and b.boots)
        self.failed = [(b.n, b.code) for b in boards if b.state == "failed"]
        self.restarts = sum(b.restarts for b in boards)
        self.restarted = [(b.n, b.restarts) for b in boards if b.restarts]
        self.not_started = self.count - self.ran
        self.elapsed = elapsed
        self.start_s = start_s  # from the first board's start to the last's
        self.peak = peak  # the most boards running at one time

    def as_dict(self):
        return {"boards": self.count, "ran": self.ran, "ok": self.ok, "failed": len(self.failed),
                "restarts": self.restarts, "not_started": self.not_started,
                "peak": self.peak, "elapsed_s": round(self.elapsed, 3), "start_s": round(self.start_s, 3)}

    def line(self, width=3):
        tag = functools.partial(_name, width=width)
        parts = [f"{self.count} boards", f"{self.ran} ran", f"{self.ok} ok", f"{len(self.failed)} failed"]
        if self.failed:
            parts[-1] += " (" + ", ".join(f"{tag(n)} {_status(c)}" for n, c in self.failed[:10]) + \
                         (", ..." if len(self.failed) > 10 else "") + ")"
        parts.append(f"{self.restarts} restarted")
        if self.restarted:
            parts[-1] += " (" + ", ".join(f"{tag(n)}" + (f" x{k}" if k > 1 else "")
                                          for n, k in self.restarted[:10]) + \
                         (", ..." if len(self.restarted) > 10 else "") + ")"
        if self.not_started:
            parts.append(f"{self.not_started} not started")
        return "qpyshim: fleet: " + ", ".join(parts) + f"; at most {self.peak} at once, in {self.elapsed:.1f} s"


def _name(n, width=3):
    return f"dev{n:0{width}d}"


def _status(code):
    if code is None:
        return "did not start"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit {code}"


class Fleet:
    """N boards of one app under this process.

        f = Fleet("examples/echo_demo", 10, out=sys.stdout)
        summary = f.run()           # blocks until every board ended
        # from another thread (or an on_line callback) while it runs:
        f.drop(7); f.restore(7); f.restart(7); f.stop(7); f.quit()

    on_line(n, text) is called in the loop for each line a board prints
    (the transcript gets it too); keep it quick."""

    def __init__(self, app, count, net=None, board="unix", runtime="micropython", rate=20.0,
                 duration=None, control=True, out=None, commands=None, on_line=None, on_event=None):
        if not 1 <= count <= MAX_BOARDS:
            raise FleetError(f"a fleet has 1 to {MAX_BOARDS} boards, not {count}")
        self.app, self.count, self.net, self.board_name = app, count, net, board
        self.runtime, self.rate, self.duration = runtime, rate, duration
        self.use_control = control
        self.out = out if out is not None else sys.stdout
        self.commands = commands  # a file descriptor to read commands from, or None
        self.on_line = on_line
        self.on_event = on_event  # (n, event, detail): "boot", "exit", "restart"
        width = max(3, len(str(count)))
        self.width = width
        self.boards = [Board(n, f"[{_name(n, width)}] ") for n in range(1, count + 1)]
        self._todo = queue.Queue()  # (callable, args) from other threads, run in the loop
        self._wake_w = None
        self._ended = None  # None, "quit", "duration", or a signal number
        self._lock = threading.Lock()
        self._pool = None
        self.summary = None
        self.peak = 0

    # ---- the API other threads call: queued, run in the loop ----

    def _post(self, fn, *args):
        self._todo.put((fn, args))
        w = self._wake_w
        if w is not None:
            try:
                os.write(w, b"\0")
            except OSError:
                pass

    def drop(self, n, profile=1):
        self._post(self._control, n, "drop", profile)

    def restore(self, n, profile=1):
        self._post(self._control, n, "restore", profile)

    def restart(self, n):
        self._post(self._restart, n)

    def stop(self, n):
        self._post(self._stop_one, n)

    def pids(self):
        """{device number: pid} of the boards running now."""
        return {b.n: p.pid for b in self.boards for p in (b.proc,) if p is not None}

    def quit(self):
        self._post(self._quit)

    # ---- set-up ----

    def _config(self):
        cfg = load_config(self.board_name, self.net)
        identity(copy.deepcopy(cfg), self.count)  # a bad pattern fails before any board starts
        return cfg

    # ---- boards ----

    def _spawn(self, b, sel):
        b.proc = spawn(self._cmd, b.env, b.flash)
        b.boots += 1
        b.booted = time.monotonic()
        b.state = "running"
        b.buf = b""
        os.set_blocking(b.proc.stdout.fileno(), False)
        sel.register(b.proc.stdout.fileno(), selectors.EVENT_READ, ("out", b))
        try:
            b.pidfd = os.pidfd_open(b.proc.pid)
            sel.register(b.pidfd, selectors.EVENT_READ, ("exit", b))
        except (AttributeError, OSError):
            b.pidfd = None  # the pipe's end stands for the exit (then a wait)
        self._event(b.n, "boot", b.boots)

    def _start(self, b, root, tpl, sel):
        b.block = loopblock.claim()
        if self.use_control:
            from .control import BoardControl

            b.control = BoardControl(timeout=CONTROL_S)
        cfg = board_config(self._cfg, b.n, b.block, b.control)
        b.imei = cfg["modem"]["imei"]
        b.flash = lay_board(root, tpl, _name(b.n, self.width))
        b.env = write_config(b.flash, cfg)
        b.started = time.monotonic()
        sim = cfg.get("sim") or {}
        self._say(b, f"qpyshim: fleet: IMEI {b.imei}, ICCID {sim.get('iccid')}, IMSI {sim.get('imsi')}, "
                     f"addresses {b.block.network}")
        self._spawn(b, sel)

    def _reaped(self, b, sel):
        """The board's process ended: boot it again, or settle its state."""
        try:
            code = b.proc.wait(STOP_GRACE)
        except subprocess.TimeoutExpired:
            return  # the pipe closed but the process lives on: its pidfd (or a later pass) ends it
        self._flush(b)
        for fd in (b.proc.stdout.fileno(), b.pidfd):
            if fd is not None:
                with contextlib.suppress(KeyError, ValueError):
                    sel.unregister(fd)
        b.proc.stdout.close()
        if b.pidfd is not None:
            os.close(b.pidfd)
            b.pidfd = None
        b.proc, b.code = None, code
        self._event(b.n, "exit", code)
        if -code in runner.RESTART and not b.stopping and self._ended is None:
            b.restarts += 1
            b.env["QPYSHIM_BOOT_REASON"] = str(runner.RESTART[-code])
            # a restart loop gets one line, as under `qpyshim run`
            b.quick = b.quick + 1 if time.monotonic() - b.booted < runner.STORM_S else 0
            if b.quick < runner.STORM:
                self._say(b, "qpyshim: the board restarts")
            elif b.quick == runner.STORM:
                self._say(b, f"qpyshim: the board has restarted {runner.STORM} times in a row, each within "
                             f"{runner.STORM_S:g} s of power-on: a restart loop? Further restarts are not reported")
            self._event(b.n, "restart", b.restarts)
            self._spawn(b, sel)
            return
        if code == -runner.POWER_DOWN:
            self._say(b, "qpyshim: the board powered down")
            b.state = "ended"
        elif b.stopping and (code in (0, 130) or code < 0):
            b.state = "stopped"  # we stopped it (a Ctrl-C the app did not catch, a kill)
        elif code == 0:
            b.state = "ended"
        else:
            b.state = "failed"
            self._say(b, f"qpyshim: fleet: the board ended: {_status(code)}")
        self._release(b)

    def _release(self, b):
        if b.control is not None:
            b.control.close()
            b.control = None
        if b.block is not None:
            b.block.release()
            b.block = None

    # ---- output ----

    def _say(self, b, text):
        self.out.write(b.tag + text + "\n")

    def _event(self, n, what, detail):
        if self.on_event is not None:
            self.on_event(n, what, detail)

    def _read(self, b):
        """What the board printed since: "more", "again" (nothing now) or "eof"."""
        try:
            data = os.read(b.proc.stdout.fileno(), 65536)
        except BlockingIOError:
            return "again"
        except OSError:
            data = b""
        if not data:
            return "eof"
        b.buf += data
        *lines, b.buf = b.buf.split(b"\n")
        for line in lines:
            self._line(b, line)
        return "more"

    def _line(self, b, raw):
        text = raw.decode("utf-8", "replace").rstrip("\r")
        self.out.write(b.tag + text + "\n")
        if self.on_line is not None:
            self.on_line(b.n, text)

    def _flush(self, b):
        if b.proc is not None:
            while self._read(b) == "more":
                pass
        if b.buf:
            self._line(b, b.buf)
            b.buf = b""

    # ---- control ----

    def _board(self, n):
        if not isinstance(n, int) or not 1 <= n <= self.count:
            self.out.write(f"qpyshim: fleet: no device {n!r} (1-{self.count})\n")
            return None
        return self.boards[n - 1]

    def _control(self, n, op, profile):
        b = self._board(n)
        if b is None:
            return
        if b.control is None or b.proc is None or b.stopping:
            self._say(b, f"qpyshim: fleet: {op}: the board is not running" +
                      ("" if self.use_control else " with a control channel (--no-control)"))
            return
        ctl, tag = b.control, b.tag

        def ask():
            try:
                if op == "drop":
                    ctl.drop_data_call(profile)
                else:
                    ctl.restore_data_call(profile)
                verb = "dropped" if op == "drop" else "restored"
                self._post(self._note, f"{tag}qpyshim: fleet: data call {profile} {verb}\n")
            except OSError:  # its channel closed: the board ended meanwhile
                self._post(self._note, f"{tag}qpyshim: fleet: {op} {profile}: the board ended before it answered\n")
            except Exception as e:  # noqa: BLE001  the board's own reason (ControlError), or no answer
                self._post(self._note, f"{tag}qpyshim: fleet: {op} {profile}: {e}\n")

        # The board answers within its control timeout; the loop keeps reading meanwhile.
        self._pool.submit(ask)

    def _note(self, text):
        self.out.write(text)

    def _restart(self, n):
        b = self._board(n)
        if b is None:
            return
        if b.proc is None:
            self._say(b, "qpyshim: fleet: restart: the board is not running")
            return
        # The signal a board restarting by itself ends with: its boot reason is a reset (2).
        with contextlib.suppress(ProcessLookupError):
            os.kill(b.proc.pid, signal.SIGUSR1)

    def _stop_one(self, n, how=signal.SIGINT):
        b = self._board(n)
        if b is None:
            return
        if b.proc is None:
            if b.state == "waiting":
                b.state = "stopped"
            return
        b.stopping = True
        now = time.monotonic()
        if now - b.booted < STARTING_S:
            how = signal.SIGTERM  # a Ctrl-C would land in its interpreter's start-up (runner._halt)
        # as runner._stop: a second Ctrl-C after STOP_GRACE (an app whose
        # main ended may still wait for its threads), then a kill
        b.nudges = (how, signal.SIGKILL) if how == signal.SIGINT else (signal.SIGKILL,)
        b.nudge_at = now + STOP_GRACE
        with contextlib.suppress(ProcessLookupError):
            os.kill(b.proc.pid, how)

    def _quit(self, reason="quit"):
        if self._ended is None:
            self._ended = reason
        how = signal.SIGTERM if isinstance(reason, int) else signal.SIGINT
        for b in self.boards:
            if b.proc is not None and not b.stopping:
                self._stop_one(b.n, how)
            elif b.state == "waiting":
                b.state = "not started"

    def _kill_running(self):
        for b in self.boards:
            if b.proc is not None:
                b.stopping = True
                with contextlib.suppress(ProcessLookupError):
                    b.proc.kill()

    def _command(self, line):
        words = line.split()
        if not words:
            return
        op, args = words[0].lower(), words[1:]
        try:
            nums = [int(a) for a in args]
        except ValueError:
            nums = None
        if op in ("drop", "restore") and nums and len(nums) <= 2:
            self._control(nums[0], op, nums[1] if len(nums) > 1 else 1)
        elif op in ("restart", "stop") and nums and len(nums) == 1:
            (self._restart if op == "restart" else self._stop_one)(nums[0])
        elif op == "status" and not args:
            counts = collections.Counter(b.state for b in self.boards)
            self.out.write("qpyshim: fleet: " + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) +
                           f", {sum(b.restarts for b in self.boards)} restarts\n")
        elif op == "quit" and not args:
            self._quit()
        else:
            self.out.write(f"qpyshim: fleet: unknown command {line.strip()!r}; commands: drop N [PROFILE], "
                           "restore N [PROFILE], restart N, stop N, status, quit\n")

    # ---- the loop ----

    def run(self):
        """Run the fleet to its end; the Summary (also self.summary)."""
        paths.check_checkout()
        _raise_nofile()
        self._cfg = self._config()
        self._cmd = board_command(runner.interpreter(self.runtime), self.board_name)
        t0 = time.monotonic()
        with contextlib.ExitStack() as stack:
            watch = stack.enter_context(lifeline.Lifeline())
            root = stack.enter_context(tempfile.TemporaryDirectory(prefix="qpyshim-fleet-"))
            watch.add(folders=[root])  # removed even if the supervisor is SIGKILLed
            start_stand_ins(self._cfg, stack)
            tpl = lay_template(root, self.app, self.runtime, self._cfg)
            self._pool = stack.enter_context(concurrent.futures.ThreadPoolExecutor(4, "fleet-control"))
            sel = stack.enter_context(selectors.DefaultSelector())
            r, w = os.pipe()  # not inheritable: no board holds it
            os.set_blocking(r, False)
            os.set_blocking(w, False)  # set_wakeup_fd wants it so
            stack.callback(os.close, r)
            stack.callback(os.close, w)
            sel.register(r, selectors.EVENT_READ, ("wake", None))
            self._wake_w = w
            stack.callback(setattr, self, "_wake_w", None)
            stack.enter_context(self._signals(w))
            stack.callback(self._kill_all)
            if self.commands is not None:
                try:
                    sel.register(self.commands, selectors.EVENT_READ, ("cmd", None))
                except (OSError, ValueError):
                    pass  # a regular file or a closed stdin: no commands
            first_start = last_start = None
            self._loop(sel, root, tpl, r, t0)
            starts = [b.started for b in self.boards if b.started is not None]
            if starts:
                first_start, last_start = min(starts), max(starts)
        while True:  # what control requests answered after the loop's end
            try:
                fn, args = self._todo.get_nowait()
            except queue.Empty:
                break
            if fn == self._note:
                fn(*args)
        elapsed = time.monotonic() - t0
        self.summary = Summary(self.boards, elapsed, (last_start - first_start) if starts else 0.0, self.peak)
        self.out.write(self.summary.line(self.width) + "\n")
        self.out.flush()
        return self.summary

    @contextlib.contextmanager
    def _signals(self, w):
        """Ctrl-C stops every board like a Ctrl-C to each (the boards have
        process groups of their own: a terminal's reaches only us); SIGTERM
        and SIGHUP power them off at once."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        old = {}

        def hit(signum, frame):
            if self._ended is not None:
                self._post(self._kill_running)  # a second Ctrl-C: no more waiting for the apps
            else:
                self._post(self._quit, "quit" if signum == signal.SIGINT else signum)

        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            old[sig] = signal.signal(sig, hit)
        old_fd = signal.set_wakeup_fd(w)
        try:
            yield
        finally:
            signal.set_wakeup_fd(old_fd)
            for sig, h in old.items():
                signal.signal(sig, h)

    def _loop(self, sel, root, tpl, wake_r, t0):
        waiting = collections.deque(self.boards)
        interval = 0.0 if not self.rate or self.rate == float("inf") else 1.0 / self.rate
        next_start = time.monotonic()
        deadline = None if self.duration is None else t0 + self.duration
        cmd_buf = b""
        while True:
            now = time.monotonic()
            if deadline is not None and now >= deadline and self._ended is None:
                self._quit("duration")
            started = 0
            # a few at a time: the boards already up are read between two batches
            while waiting and self._ended is None and now >= next_start and started < START_BATCH:
                started += 1
                b = waiting.popleft()
                if b.state != "waiting":
                    continue  # stopped before its turn
                try:
                    self._start(b, root, tpl, sel)
                except (OSError, FleetError, netconfig.ConfigError, loopblock.BlockError) as e:
                    b.state, b.code = "failed", None
                    self._say(b, f"qpyshim: fleet: the board did not start: {e}")
                    self._release(b)
                next_start += interval
                now = time.monotonic()
            # a board that ignores the stop for too long is killed
            for b in self.boards:
                if b.proc is not None and b.stopping and b.nudges and now >= b.nudge_at:
                    with contextlib.suppress(ProcessLookupError):
                        b.proc.send_signal(b.nudges[0])
                    b.nudges, b.nudge_at = b.nudges[1:], now + STOP_GRACE
            live = [b for b in self.boards if b.proc is not None]
            self.peak = max(self.peak, len(live))
            if not live and (self._ended is not None or not waiting or
                             all(b.state != "waiting" for b in waiting)):
                return
            timeout = 1.0
            if waiting and self._ended is None:
                timeout = min(timeout, max(0.0, next_start - now))
            if deadline is not None and self._ended is None:
                timeout = min(timeout, max(0.0, deadline - now))
            for b in live:
                if b.stopping and b.nudges:
                    timeout = min(timeout, max(0.0, b.nudge_at - now))
            self.out.flush()
            for key, _ in sel.select(timeout):
                kind, b = key.data
                # (a key of a boot that ended earlier in this batch is stale: its board has new fds)
                if kind == "out":
                    if b.proc is not None and key.fd == b.proc.stdout.fileno() and self._read(b) == "eof":
                        with contextlib.suppress(KeyError):
                            sel.unregister(key.fd)
                        if b.pidfd is None:
                            self._reaped(b, sel)
                elif kind == "exit":
                    if b.proc is not None and key.fd == b.pidfd:
                        self._reaped(b, sel)
                elif kind == "wake":
                    with contextlib.suppress(BlockingIOError):
                        os.read(wake_r, 4096)
                elif kind == "cmd":
                    try:
                        data = os.read(key.fd, 4096)
                    except BlockingIOError:
                        continue
                    if not data:
                        sel.unregister(key.fd)  # no more commands; the fleet runs on
                        continue
                    cmd_buf += data
                    *lines, cmd_buf = cmd_buf.split(b"\n")
                    for line in lines:
                        self._command(line.decode(errors="replace"))
            while True:
                try:
                    fn, args = self._todo.get_nowait()
                except queue.Empty:
                    break
                fn(*args)

    def _kill_all(self):
        """Whatever ended the loop, no board is left running."""
        for b in self.boards:
            if b.proc is not None:
                with contextlib.suppress(ProcessLookupError):
                    b.proc.kill()
                b.proc.wait()
                b.proc.stdout.close()
                if b.pidfd is not None:
                    os.close(b.pidfd)
                    b.pidfd = None
                b.proc = None
                if b.state == "running":
                    b.state = "stopped" if b.stopping else "failed"
            self._release(b)


def main(app, count, net=None, board="unix", runtime="micropython", rate=20.0, duration=None,
         control=True, summary_json=None):
    try:
        fleet = Fleet(app, count, net=net, board=board, runtime=runtime, rate=rate, duration=duration,
                      control=control, commands=sys.stdin.fileno() if sys.stdin is not None else None)
        s = fleet.run()
    except FleetError as e:
        print(f"qpyshim: {e}", file=sys.stderr)
        return 2
    if summary_json:
        Path(summary_json).write_text(json.dumps(s.as_dict(), indent=1) + "\n")
    if isinstance(fleet._ended, int):
        return 128 + fleet._ended
    return 1 if s.failed else 0
