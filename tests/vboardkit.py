"""The virtual board (`qpyshim board`) as the tests drive it: started in a
network namespace of its own, its serial port opened as a terminal program
would, `qpyshim deploy` and mpremote run against it, each with a timeout."""

import os
import select
import shutil
import signal
import subprocess
import sys
import termios
import time
import tty

import pytest

from conftest import QPYSHIM, ROOT

MPREMOTE = [sys.executable, "-m", "mpremote"]


class Port:
    """The board's serial port, as a terminal program would open it."""

    def __init__(self, path):
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self.fd, termios.TCSANOW)  # not TCSAFLUSH: keep what the board already sent
        self.seen = b""

    def write(self, data):
        os.write(self.fd, data)

    def expect(self, pattern, timeout=30):
        """Read until `pattern`; returns what came before it (and it)."""
        deadline = time.monotonic() + timeout
        while pattern not in self.seen:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {pattern!r} from the board; got:\n{self.seen.decode(errors='replace')}")
            r, _, _ = select.select([self.fd], [], [], left)
            if r:
                self.seen += os.read(self.fd, 4096)
        i = self.seen.index(pattern) + len(pattern)
        out, self.seen = self.seen[:i], self.seen[i:]
        return out

    def close(self):
        os.close(self.fd)


class VBoard:
    def __init__(self, tmp_path):
        if not shutil.which("unshare") or os.geteuid() != 0:
            pytest.skip("needs root and unshare for a private network namespace")
        self.flash = tmp_path / "flash"
        self.flash.mkdir()
        self.proc = None

    def start(self):
        # In a network namespace of its own: apps on it may bind port 80, and
        # the board keeps the config's own addresses (--block 0: 127.0.0.1 is
        # its data call's); tests/test_isolation.py runs one in a block.
        cmd = ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "sh",
               *QPYSHIM, "board", "--dir", str(self.flash), "--block", "0"]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
        r, _, _ = select.select([self.proc.stdout], [], [], 30)
        line = self.proc.stdout.readline().decode() if r else ""
        if not line.startswith("qpyshim board: /dev/"):
            self.proc.kill()  # so reading its stderr can't block
            _, err = self.proc.communicate(timeout=10)
            raise AssertionError(f"the board did not start: {line!r}\n{err.decode()}")
        self.device = line.split()[2]
        return self

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        code = self.proc.wait(20)
        left = [pid for pid in os.listdir("/proc") if pid.isdigit() and _runs_from(pid, self.flash)]
        return code, left

    def mpremote(self, *args, timeout=60):
        return subprocess.run(MPREMOTE + ["connect", self.device, *args], capture_output=True, text=True,
                              timeout=timeout, cwd=self.flash.parent)


def _runs_from(pid, flash):
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            return f"QPYSHIM_FLASH={flash}".encode() in f.read()
    except OSError:
        return False


@pytest.fixture
def vboard(tmp_path):
    b = VBoard(tmp_path)
    (b.flash / "boot.py").write_text("print('boot.py ran')\n")
    yield b
    if b.proc and b.proc.poll() is None:
        code, left = b.stop()
        assert code == 143 and not left, (code, left)  # SIGTERM: 128 + 15


def deploy(vboard, app, *args):
    return subprocess.run(QPYSHIM + ["deploy", "--port", vboard.device, *args, str(app)], capture_output=True,
                          text=True, timeout=120, cwd=ROOT)


def transcript(vboard):
    port = Port(vboard.device)
    try:
        return port.expect(b"[client] disconnected.\r\n").decode()
    finally:
        port.close()


