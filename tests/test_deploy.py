"""`qpyshim deploy` tells a QuecPython module from a board running the shim
by what the interpreter itself says, applies a changed shim and config on
every deploy (nothing an earlier one left lingers), never waits for ever, and
gets past an app that swallows Ctrl-C with --reset."""

import json
import os
import pty
import shutil
import subprocess

import pytest

from conftest import QPYSHIM, ROOT
from qpyshim import boardctl
from qpyshim.replink import classify
from vboardkit import Port, deploy, vboard  # noqa: F401  vboard: the fixture

# What the board's interpreter answers (sys.platform, sys.implementation._machine,
# uos.uname()[0], uos has a __file__, 'shim' in sys.modules) -> the board.
BOARDS = [
    # QuecPython 1.2x: MICROPY_HW_MCU_NAME "QUECTEL", sys.platform its BOARD
    (("EC600U", "EC600U with QUECTEL", "sysname=EC600U-CNLB", False, False), "quectel"),
    # QuecPython 1.13: no _machine; its uos is built in
    (("quectel", "", "sysname=EC600N-CNLA", False, False), "quectel"),
    # stock MicroPython
    (("esp32", "Generic ESP32 module with ESP32", "esp32", False, False), "esp32"),
    (("linux", "linux [GCC 14.2.1] version", "Linux", False, False), "unix"),
    # the shim running: its uos imitates QuecPython's uname(), the rest is the interpreter's
    (("esp32", "Generic ESP32 module with ESP32", "sysname=EC600U-CNLB", True, True), "esp32"),
    (("linux", "linux [GCC 14.2.1] version", "sysname=EC600U-CNLB", True, True), "unix"),
    # a port deploy has no layout for, running the shim: asked, not taken for a module
    (("rp2", "Raspberry Pi Pico with RP2040", "sysname=EC600U-CNLB", True, True), None),
    (("rp2", "", "sysname=EC600U-CNLB", True, True), None),
]


@pytest.mark.parametrize("facts,board", BOARDS)
def test_the_interpreter_says_what_board_it_is(facts, board):
    assert classify(*facts) == board


class AutoResetCircuit:
    """An ESP32 dev board's two-transistor auto-reset circuit behind a
    USB-serial adapter: EN is low while RTS is asserted and DTR is not, IO0
    low while DTR is asserted and RTS is not."""

    def __init__(self):
        self._dtr = self._rts = True  # pyserial asserts both on open
        self.states = []

    def _record(self):
        self.states.append(("EN low" if self._rts and not self._dtr else "EN high",
                            "IO0 low" if self._dtr and not self._rts else "IO0 high"))

    @property
    def dtr(self):
        return self._dtr

    @dtr.setter
    def dtr(self, v):
        self._dtr = v
        self._record()

    @property
    def rts(self):
        return self._rts

    @rts.setter
    def rts(self, v):
        self._rts = v
        self._record()


def test_reset_pulses_en_and_keeps_io0_high():
    """--reset on a real port: EN low, then high, IO0 high throughout, so the
    chip restarts into its firmware, not the ROM loader."""
    from qpyshim.replink import Link

    link = Link.__new__(Link)
    link.port = "/dev/qpyshim-test-no-such-port"  # no virtual board's socket for it
    link.serial = AutoResetCircuit()
    assert link.hard_reset() == "EN pulsed through RTS"
    en = [s[0] for s in link.serial.states]
    assert "EN low" in en and en[-1] == "EN high"
    assert all(s[1] == "IO0 high" for s in link.serial.states)


def qpyshim(*args, cwd=ROOT, timeout=60):
    return subprocess.run(QPYSHIM + list(args), capture_output=True, text=True, timeout=timeout, cwd=cwd)


def test_a_silent_port_fails_in_bounded_time(tmp_path):
    """Nothing answers on the port (a board that is off, a wrong port): deploy
    gives up after --timeout and says why; --reset on a line without DTR/RTS
    (a pty) and with no virtual board behind it says that."""
    master, slave = pty.openpty()
    try:
        port = os.ttyname(slave)
        app = tmp_path / "a.py"
        app.write_text("print(1)\n")
        p = qpyshim("deploy", "--port", port, "--timeout", "1", str(app))
        assert p.returncode == 1, p
        assert "did not give up its REPL within 1 s" in p.stderr and "said nothing" in p.stderr, p.stderr
        p = qpyshim("deploy", "--port", port, "--reset", "--timeout", "1", str(app))
        assert p.returncode == 2, p
        assert "has no DTR/RTS lines" in p.stderr and "reset button" in p.stderr, p.stderr
    finally:
        os.close(master)
        os.close(slave)


def _checkout_copy(dst):
    """What deploy reads of a checkout: a copy whose shim a test may change."""
    for d in ("qpyshim", "shim", "boards"):
        shutil.copytree(ROOT / d, dst / d, ignore=shutil.ignore_patterns("__pycache__"))
    for f in ("boot.py", "main.py"):
        shutil.copy(ROOT / f, dst / f)
    return dst


def _set_version(repo, version):
    init = repo / "shim" / "__init__.py"
    src = init.read_text()
    old = next(line for line in src.splitlines() if line.startswith("__version__"))
    init.write_text(src.replace(old, f'__version__ = "{version}"'))


def _config(tmp_path, n):
    p = tmp_path / f"config{n}.json"
    p.write_text(json.dumps({"modem": {"imei": f"86000000000000{n}"}}))
    return str(p)


def _deploy_from(repo, vboard, app, *args):
    # `python -m qpyshim` from the copy: its qpyshim, and so its shim, is the one used.
    return qpyshim("deploy", "--port", vboard.device, *args, str(app), cwd=repo, timeout=120)


def _run_of(vboard):
    """What the app printed after the last deploy's soft reset."""
    port = Port(vboard.device)
    try:
        return port.expect(b"app: done\r\n").decode()
    finally:
        port.close()


def test_second_and_third_deploy_apply_shim_and_config(vboard, tmp_path):
    repo = _checkout_copy(tmp_path / "repo")
    app = tmp_path / "app"
    (app / "lib").mkdir(parents=True)
    (app / "main.py").write_text(
        "import shim, modem\n"
        "print('app: shim', shim.__version__, 'imei', modem.getDevImei())\n"
        "print('app: done')\n")
    (app / "lib" / "helper.py").write_text("X = 1\n")
    (app / "extra.py").write_text("Y = 2\n")
    vboard.start()
    flash = vboard.flash

    _set_version(repo, "9.0.1")
    p = _deploy_from(repo, vboard, app, "--config", _config(tmp_path, 1))
    assert p.returncode == 0, p.stderr
    assert "0 unchanged, 0 removed" in p.stdout, p.stdout
    assert "app: shim 9.0.1 imei 860000000000001" in _run_of(vboard)
    assert (flash / "shim" / "example.mpy").is_file() and (flash / "usr" / "lib" / "helper.py").is_file()

    # Second: the board now runs the shim, whose uos imitates QuecPython's;
    # it is still a shim board, so the shim and the config go too.
    _set_version(repo, "9.0.2")
    (repo / "shim" / "example.py").unlink()
    (app / "extra.py").unlink()
    p = _deploy_from(repo, vboard, app, "--config", _config(tmp_path, 2))
    assert p.returncode == 0, p.stderr
    assert "unix board, running the shim" in p.stdout, p.stdout
    assert "/shim/__init__.mpy" in p.stdout and "/board.json" in p.stdout, p.stdout
    assert "unix at" in p.stdout and ", 2 removed" in p.stdout, p.stdout
    assert "app: shim 9.0.2 imei 860000000000002" in _run_of(vboard)
    assert json.loads((flash / "board.json").read_text())["modem"]["imei"] == "860000000000002"
    assert not (flash / "shim" / "example.mpy").exists() and not (flash / "usr" / "extra.py").exists()

    # Third: again, and a folder of the app goes with its last file.
    _set_version(repo, "9.0.3")
    shutil.rmtree(app / "lib")
    p = _deploy_from(repo, vboard, app, "--config", _config(tmp_path, 3))
    assert p.returncode == 0, p.stderr
    assert ", 1 removed" in p.stdout, p.stdout
    assert "app: shim 9.0.3 imei 860000000000003" in _run_of(vboard)
    assert not (flash / "usr" / "lib").exists()
    names = json.loads((flash / ".qpyshim-deployed.json").read_text())
    on_board = sorted("/" + p.relative_to(flash).as_posix() for p in flash.rglob("*")
                      if p.is_file() and p.name != ".qpyshim-deployed.json")
    assert on_board == sorted(names)  # exactly what this deploy put there: nothing stale


# Catches Ctrl-C in bare excepts, a thread keeps it up; its start-up (the
# note's app waits for the network there) is the only place a Ctrl-C stops it.
STUBBORN = """
import _thread, utime
print('app: starting')
utime.sleep(2)
def serve():
    while True:
        try:
            utime.sleep_ms(100)
        except:
            pass
_thread.start_new_thread(serve, ())
print('app: serving')
while True:
    try:
        utime.sleep_ms(100)
    except:
        print('app: Ctrl-C ignored')
"""


def test_an_app_that_swallows_ctrl_c_needs_reset(vboard, tmp_path):
    app = tmp_path / "stubborn.py"
    app.write_text(STUBBORN)
    vboard.start()
    p = deploy(vboard, app)
    assert p.returncode == 0, p.stderr
    port = Port(vboard.device)
    try:
        port.expect(b"app: serving\r\n")
    finally:
        port.close()

    p = deploy(vboard, app, "--timeout", "3")  # within deploy()'s subprocess timeout: it gives up itself
    assert p.returncode == 1, p
    assert "did not give up its REPL within 3 s" in p.stderr and "--reset" in p.stderr, p.stderr
    assert "app: Ctrl-C ignored" in p.stderr, p.stderr  # the board's last words

    p = deploy(vboard, app, "--reset")
    assert p.returncode == 0, p.stderr
    assert "reset: virtual board restarted" in p.stdout, p.stdout
    assert "unix at" in p.stdout and "soft reset: the app is starting" in p.stdout, p.stdout


def test_the_virtual_board_takes_only_reset_on_its_socket(vboard):
    vboard.start()
    assert boardctl.socket_path(vboard.device).exists()
    assert boardctl.request(vboard.device, "explode").startswith("error: unknown command")
    port = Port(vboard.device)
    try:
        assert boardctl.request(vboard.device) == "ok"
        port.expect(b"boot.py ran\r\n")  # a power-on: boot.py runs again
    finally:
        port.close()
    vboard.stop()
    assert not boardctl.control_dir(vboard.device).exists()  # gone with the board
    assert boardctl.request(vboard.device) is None


def test_the_notes_tcp_server_gives_up_the_repl_to_a_second_ctrl_c(vboard):
    """The application note's app: its client loop catches the first Ctrl-C
    in a bare except, its server thread keeps the board up; the next Ctrl-C
    stops it, and deploy goes on without --reset."""
    from conftest import EXAMPLES

    vboard.start()
    app = EXAMPLES / "tcp_server_and_client.py"
    p = deploy(vboard, app)
    assert p.returncode == 0, p.stderr
    port = Port(vboard.device)
    try:
        port.expect(b"[client] recv data: b'1234567890'\r\n")
    finally:
        port.close()
    p = deploy(vboard, app)
    assert p.returncode == 0, p.stderr
    assert "unix at" in p.stdout and "soft reset: the app is starting" in p.stdout, p.stdout


def test_a_link_to_the_board_finds_its_reset_socket(tmp_path):
    master, slave = pty.openpty()
    try:
        device = os.ttyname(slave)
        link = tmp_path / "board"
        link.symlink_to(device)
        assert boardctl.control_dir(str(link)) == boardctl.control_dir(device)
        assert boardctl.control_dir(device).name == device[len("/dev/"):].replace("/", "-")
    finally:
        os.close(master)
        os.close(slave)
