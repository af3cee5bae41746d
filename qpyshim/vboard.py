"""`qpyshim board`: the MicroPython unix port behind a pseudo-terminal, made to
act like a board on a serial port. A folder plays its flash; mpremote, deploy
and serial terminals talk to the printed device path.

The unix port's REPL ends the process on a soft reset (Ctrl-D) where a board
reboots. So this process holds the device side of the pty, runs the
interpreter on a pty of its own, copies bytes between the two, and starts the
interpreter again whenever it ends, printing the board's soft-reboot banner.
After a soft reset from the raw REPL the new interpreter is put straight back
into the raw REPL and main.py is skipped, which is what a board does and what
mpremote expects.

A pty has no DTR/RTS lines, so the hard reset an ESP32 gets through them
comes on a unix socket (qpyshim/boardctl.py): "reset" kills the interpreter
and starts a new one as at power-on, boot.py then main.py."""

import contextlib
import errno
import fcntl
import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import termios
import time
import tty
from pathlib import Path

from . import boardblock, boardctl, lifeline, loopblock, paths, ptylink, runner

START = paths.BOARDS / "unix" / "vboard_start.py"
MARKER = b"\x00QPYSHIM:REPL\x00"  # vboard_start.py prints it just before the REPL
UP = b"\x00QPYSHIM:UP\x00"  # the start-up script runs: a Ctrl-C now interrupts Python code
RAW_BANNER = b"raw REPL; CTRL-B to exit"
SOFT_REBOOT = b"MPY: soft reboot\r\n"
OUT_CAP = 64 * 1024  # bytes held for a port nobody reads; older ones are lost, as on a UART
CTRL_B = 0x02


def _raw(fd, isig=False):
    tty.setraw(fd)
    attrs = termios.tcgetattr(fd)
    if isig:  # Ctrl-C interrupts a running program (the REPL turns it off itself)
        attrs[3] |= termios.ISIG
    termios.tcsetattr(fd, termios.TCSANOW, attrs)


class Board:
    def __init__(self, flash, echo=False, exe=None, block=0):
        self.flash = Path(flash).resolve()
        self.block = block  # its loopback block's index (0: the config's addresses as they are)
        self.echo = echo
        self.exe = exe or runner.interpreter("micropython")
        self.proc = None
        self.child = None  # our end of the interpreter's pty
        self.raw = False  # the interpreter is in its raw REPL
        self.booting = False  # output before the REPL (boot.py, main.py) is passing
        self.swallow = False  # after a raw soft reset: hide the friendly banner
        self._pending = b""  # output held back while looking for the marker
        self._out = bytearray()  # output the port's reader has not taken yet
        self._in = bytearray()  # input the interpreter has not taken yet
        self._sig = bytearray()  # Ctrl-C: goes through at once, as a board's does
        self.ready = False  # the REPL has shown its prompt: input typed now is read
        self._last = b""
        self._tail = b""  # the last bytes from the interpreter, to spot the raw REPL banner
        self.master, self._slave = pty.openpty()
        _raw(self._slave)
        # We keep the device end open so the port survives its users closing it.
        self.device = os.ttyname(self._slave)
        fcntl.fcntl(self.master, fcntl.F_SETFL, fcntl.fcntl(self.master, fcntl.F_GETFL) | os.O_NONBLOCK)
        self._quick = 0  # interpreters in a row that ended within a second
        self.boot_reason = 1  # misc.Power.powerOnReason() of the running interpreter
        self._born = 0.0
        self.control = None  # the reset socket: listen() binds it

    def listen(self):
        """Take hard resets on boardctl's socket for this pty; returns its folder."""
        self.control = boardctl.listen(self.device)
        return boardctl.control_dir(self.device)

    # -- the interpreter -------------------------------------------------------
    def _spawn(self, run_main):
        m, s = pty.openpty()
        _raw(s, isig=True)
        env = dict(os.environ, QPYSHIM_FLASH=str(self.flash), QPYSHIM_VBOARD="1",
                   QPYSHIM_MAIN="1" if run_main else "0",
                   QPYSHIM_PRIVILEGED="1" if os.geteuid() == 0 else "0",
                   QPYSHIM_BOOT_REASON=str(self.boot_reason),
                   QPYSHIM_BLOCK=str(self.block))  # the shim's vnet moves /board.json's addresses there
        for k in ("QPYSHIM_CONFIG", "QPYSHIM_USR", "MICROPYPATH"):
            env.pop(k, None)  # the board's config is /board.json on its flash

        host = os.getpid()

        def _ctty():  # the pty becomes the interpreter's terminal: Ctrl-C is SIGINT
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)
            # and the interpreter never outlives this process, however it dies
            runner.die_with(host)

        self.proc = subprocess.Popen([self.exe, "-i", str(START)], stdin=s, stdout=s, stderr=s,
                                     env=env, cwd=self.flash, start_new_session=True,
                                     preexec_fn=_ctty)
        os.close(s)
        fcntl.fcntl(m, fcntl.F_SETFL, fcntl.fcntl(m, fcntl.F_GETFL) | os.O_NONBLOCK)
        self._born = time.monotonic()
        self._in = bytearray()  # typed into the old interpreter and not read: gone with it
        self._sig = bytearray()
        self.child = m
        self.booting = True
        # Input is held until the REPL's prompt: the REPL sets the terminal
        # raw with TCSAFLUSH, discarding whatever was typed before (mpremote's
        # Ctrl-A sent while the board boots would be lost, and it waits forever).
        self.ready = False
        self._prompt = b""
        # Ctrl-C too waits for the start-up script: one that lands while the
        # interpreter itself is still starting kills it instead.
        self.up = False
        self._pending = b""

    def _reap(self):
        os.close(self.child)
        self.child = None
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(2)
        self._kill()

    def _kill(self):
        if self.proc and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def reboot(self):
        """What a board does on a soft reset."""
        # A boot.py that resets at once would spin; a board would too, but
        # needn't take a whole host core with it.
        self._quick = self._quick + 1 if time.monotonic() - self._born < 1 else 0
        if self._quick >= 5:
            time.sleep(1)
        self._emit(SOFT_REBOOT)
        # misc.Power.powerOnReason() after it: 2 for powerRestart, 5 for the
        # watchdog, 1 after powerDown (a virtual board never stays off); a
        # plain soft reset is no power-on and leaves it as it was.
        why = {-signal.SIGUSR1: 2, -signal.SIGALRM: 5, -signal.SIGUSR2: 1}
        self.boot_reason = why.get(self.proc.returncode if self.proc else None, self.boot_reason)
        was_raw = self.raw
        self.raw = False
        self.swallow = was_raw
        self._spawn(run_main=not was_raw)

    def hard_reset(self):
        """What the reset button (an ESP32's EN pin) does: the interpreter
        stops wherever it is, however its app treats Ctrl-C, and the board
        starts as at power-on."""
        if self.child is not None:
            os.close(self.child)
            self.child = None
        self._kill()
        self.boot_reason = 1  # misc.Power.powerOnReason(): a power-on
        self.raw = False
        self.swallow = False
        self._tail = b""
        self._quick = 0
        self._spawn(run_main=True)

    def _command(self):
        try:
            conn, _ = self.control.accept()
        except (BlockingIOError, InterruptedError):
            return
        with conn:
            cmd = boardctl.read_command(conn)
            if cmd == "reset":
                self.hard_reset()
                answer = b"ok\n"
            else:
                answer = b"error: unknown command %r (known: reset)\n" % cmd.encode()
            with contextlib.suppress(OSError):
                conn.sendall(answer)

    # -- bytes ------------------------------------------------------------------
    def _emit(self, data):
        # A board's console turns each "\n" into "\r\n"; the unix port's print doesn't.
        out = bytearray()
        last = self._last
        for b in data:
            if b == 0x0A and last != b"\r":
                out += b"\r"
            out.append(b)
            last = bytes((b,))
        if data:
            self._last = last
        if self.echo:
            sys.stdout.buffer.write(bytes(out))
            sys.stdout.flush()
        self._out += out
        if len(self._out) > OUT_CAP:
            del self._out[: len(self._out) - OUT_CAP]

    def _from_child(self, data):
        seen = self._tail + data  # the banner may arrive split across reads
        if RAW_BANNER in seen:
            self.raw = True
            seen = seen[seen.rindex(RAW_BANNER) + len(RAW_BANNER):]  # counted once
        self._tail = seen[-(len(RAW_BANNER) - 1):]
        if not self.booting:
            self._seen_prompt(data)
            self._emit(data)
            return
        buf = self._pending + data
        j = buf.find(UP)
        if j >= 0:
            self.up = True
            buf = buf[:j] + buf[j + len(UP):]
        i = buf.find(MARKER)
        if i < 0 and not self.swallow:
            # A Ctrl-C that hit the start-up script itself skips the marker,
            # but the REPL still comes up: its prompt is enough.
            self._seen_prompt(buf)
        if i < 0:
            # Hold back only what could be the start of a split marker.
            keep = max(next((k for k in range(min(len(m) - 1, len(buf)), 0, -1)
                             if buf.endswith(m[:k])), 0) for m in (MARKER, UP))
            self._emit(buf[: len(buf) - keep])
            self._pending = buf[len(buf) - keep:]
            return
        self._emit(buf[:i])
        rest = buf[i + len(MARKER):]
        self.booting = False
        self._pending = b""
        if self.swallow:
            self.swallow = "banner"
            self._banner(rest)
        else:
            self._seen_prompt(rest)
            self._emit(rest)

    def _seen_prompt(self, data):
        if not self.ready:
            seen = self._prompt + data
            self.ready = b">>> " in seen or b"raw REPL; CTRL-B to exit" in seen
            self._prompt = seen[-(len(RAW_BANNER) - 1):]
            self.up = self.up or self.ready

    def _banner(self, data):
        # After a raw soft reset: drop the friendly banner, then back to raw.
        self._pending += data
        if b">>> " in self._pending:
            self._pending = b""
            self.swallow = False
            self.ready = self.up = True
            self._in += b"\x01"

    def _from_user(self, data):
        if self.raw and CTRL_B in data:
            self.raw = False
        if self.child is not None:
            # Written when the interpreter can take it: never block the relay.
            if self.ready:
                self._in += data
            else:
                self._sig += b"\x03" * data.count(b"\x03")  # stops a running app now
                self._in += data.replace(b"\x03", b"")


    # -- the loop ---------------------------------------------------------------
    def serve(self, stop):
        """Run until stop() is true; stop is checked at least every 0.2 s."""
        self._spawn(run_main=True)
        while not stop():
            rd = [self.master] + ([self.child] if self.child is not None else []) + (
                [self.control] if self.control is not None else [])
            wr = [self.master] if self._out else []
            if self.child is not None and ((self._sig and self.up) or (self._in and self.ready)):
                wr.append(self.child)
            r, w, _ = select.select(rd, wr, [], 0.2)
            if self.control is not None and self.control in r:
                self._command()
                continue
            if self.child is not None and self.child in w:
                try:
                    if self._sig and self.up:
                        n = os.write(self.child, self._sig)
                        del self._sig[:n]
                    elif self.ready:
                        n = os.write(self.child, self._in)
                        del self._in[:n]
                except BlockingIOError:
                    pass
                except OSError:
                    self._in.clear()  # the interpreter is gone; the reboot follows
            if self.master in w:
                try:
                    n = os.write(self.master, self._out)
                    del self._out[:n]
                except BlockingIOError:
                    pass
            if self.master in r:
                try:
                    data = os.read(self.master, 4096)
                except BlockingIOError:
                    data = b""
                if data:
                    self._from_user(data)
            if self.child is not None and self.child in r:
                try:
                    data = os.read(self.child, 4096)
                except BlockingIOError:
                    continue
                except OSError as e:
                    if e.errno != errno.EIO:
                        raise
                    data = b""
                if data:
                    if self.swallow == "banner":
                        self._banner(data)
                    else:
                        self._from_child(data)
                else:  # the interpreter ended: a soft reset
                    if self._pending and self.booting:
                        self._emit(self._pending)
                    self._reap()
                    self.reboot()

    def close(self):
        if self.control is not None:
            self.control.close()
            self.control = None
            d = boardctl.control_dir(self.device)
            with contextlib.suppress(OSError):
                shutil.rmtree(d)
            with contextlib.suppress(OSError):
                d.parent.rmdir()  # the user's folder of reset sockets, once no board has one
        if self.child is not None:
            os.close(self.child)
            self.child = None
        self._kill()
        for fd in (self.master, self._slave):
            with contextlib.suppress(OSError):
                os.close(fd)


def main(flash=None, echo=False, link=None, block=None):
    paths.check_checkout()
    if flash is not None and (Path(flash) / "board.json").is_file():
        from . import netconfig

        try:  # the board's own config (a deploy's), checked before it powers on
            netconfig.read(Path(flash) / "board.json")
        except netconfig.ConfigError as e:
            print(f"qpyshim board: config error: {e}", file=sys.stderr)
            return 2
    with contextlib.ExitStack() as stack:
        try:
            blk, index, ours = boardblock.take(block, {})
        except (loopblock.BlockError, ValueError) as e:
            print(f"qpyshim board: {e}", file=sys.stderr)
            return 2
        if ours:
            stack.callback(blk.release)  # entered first: released after the interpreter is gone
        # Entered first, so released last: after the folder and the link are gone.
        watch = stack.enter_context(lifeline.Lifeline())
        temporary = flash is None
        if temporary:
            flash = stack.enter_context(tempfile.TemporaryDirectory(prefix="qpyshim-board-"))
        Path(flash).mkdir(parents=True, exist_ok=True)
        board = Board(flash, echo=echo, block=index)
        stack.callback(board.close)
        try:
            control = board.listen()
        except OSError as e:  # e.g. the socket folder belongs to another user
            print(f"qpyshim board: no reset socket ({e}); --reset cannot reach this board",
                  file=sys.stderr)
            control = None
        if link:  # never over a file that is not ours (qpyshim/ptylink.py)
            problem = ptylink.make(Path(link), board.device, watch, stack, who="qpyshim board")
            if problem:
                print(f"qpyshim board: --link {link}: {problem}", file=sys.stderr)
                return 2
        # removed even if this process is SIGKILLed
        watch.add(folders=([flash] if temporary else []) + ([control] if control else []),
                  empty=[control.parent] if control else [])
        stopping = []

        def _stop(signum, frame):
            stopping.append(signum)

        # A closed terminal (SIGHUP), a supervisor (SIGTERM) and Ctrl-C all
        # stop the board the same way: its interpreter, its pty, its link and
        # a temporary flash go.
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, _stop)
        print(f"qpyshim board: {board.device}" + (f" (also {link})" if link else ""))
        print(f"  flash: {Path(flash).resolve()}")
        if index:
            print(f"  addresses: {loopblock.prefix(index)}0/24 (block {index}: the board's data calls, NICs, servers)")
        print(f"  try:   mpremote connect {link or board.device} fs ls")
        if control:
            print(f"  reset: {control / 'reset'} (a hard reset: `qpyshim deploy --reset`)")
        print("  stop:  Ctrl-C", flush=True)
        board.serve(lambda: bool(stopping))
    # Ctrl-C and SIGTERM are the board's own way to stop (0, as it always
    # was); a hang-up ends it as a command killed by one would.
    # The convention: 128 + the signal for a supervisor's stop (SIGTERM, SIGHUP);
    # Ctrl-C is the user's own way out of the board (its banner says so): 0.
    return 128 + stopping[0] if stopping and stopping[0] != signal.SIGINT else 0
