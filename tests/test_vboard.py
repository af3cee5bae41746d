"""`qpyshim board`: the unix port behind a pty as a board. mpremote's fs,
run and soft-reset against it; soft resets from the friendly REPL, the raw
REPL and machine.soft_reset(); `qpyshim deploy` over the pty; a clean stop."""

import os
import shutil
import signal
import subprocess

import pytest

from conftest import EXAMPLES, QPYSHIM, ROOT
from vboardkit import Port, deploy, transcript, vboard  # noqa: F401  vboard: the fixture


def test_mpremote_fs_run_and_soft_reset(vboard, tmp_path):
    vboard.start()
    local = tmp_path / "hello.txt"
    local.write_text("from the host\n")
    p = vboard.mpremote("fs", "cp", str(local), ":hello.txt")
    assert p.returncode == 0, p.stderr
    assert (vboard.flash / "hello.txt").read_text() == "from the host\n"  # the flash folder is /
    p = vboard.mpremote("fs", "ls")
    assert p.returncode == 0 and "hello.txt" in p.stdout and "boot.py" in p.stdout, p
    p = vboard.mpremote("fs", "cp", ":hello.txt", str(tmp_path / "back.txt"))
    assert p.returncode == 0 and (tmp_path / "back.txt").read_text() == "from the host\n"
    script = tmp_path / "probe.py"
    script.write_text("import os, sys\nprint('probe', sys.platform, sorted(os.listdir('/')))\n")
    p = vboard.mpremote("run", str(script))
    assert p.returncode == 0, p.stderr
    assert "probe linux ['boot.py', 'hello.txt']" in p.stdout
    p = vboard.mpremote("resume", "exec", "kept = 41")
    assert p.returncode == 0, p.stderr
    p = vboard.mpremote("resume", "eval", "kept + 1")
    assert p.stdout.strip() == "42"  # resume: no reset, the state is still there
    p = vboard.mpremote("soft-reset")
    assert p.returncode == 0, p.stderr
    p = vboard.mpremote("resume", "eval", "kept")
    assert p.returncode != 0 and "NameError" in p.stdout + p.stderr  # a reset starts afresh


def test_soft_resets_run_boot_then_main(vboard):
    (vboard.flash / "main.py").write_text(
        "import time\nprint('main.py ran')\nwhile True:\n    time.sleep_ms(50)\n")
    vboard.start()
    port = Port(vboard.device)
    try:
        port.expect(b"boot.py ran\r\nmain.py ran\r\n")  # power-on
        port.write(b"\x03")  # Ctrl-C stops the app; the REPL comes up
        assert b"KeyboardInterrupt" in port.expect(b">>> ")
        port.write(b"\x04")  # Ctrl-D at the friendly REPL
        port.expect(b"MPY: soft reboot\r\nboot.py ran\r\nmain.py ran\r\n")
        port.write(b"\x03")
        port.expect(b">>> ")
        port.write(b"import machine; machine.soft_reset()\r")
        port.expect(b"MPY: soft reboot\r\nboot.py ran\r\nmain.py ran\r\n")
        port.write(b"\x03")
        port.expect(b">>> ")
        port.write(b"\x01")  # raw REPL, then Ctrl-D with nothing entered
        port.expect(b"raw REPL; CTRL-B to exit\r\n>")
        port.write(b"\x04")
        after = port.expect(b"raw REPL; CTRL-B to exit\r\n>")
        assert b"soft reboot\r\nboot.py ran\r\n" in after
        assert b"main.py ran" not in after  # a board skips main.py in the raw REPL
        port.write(b"print(6 * 7)\x04")
        assert port.expect(b"\x04>").startswith(b"OK42\r\n")
        port.write(b"\x02")  # back to the friendly REPL
        port.expect(b">>> ")
    finally:
        port.close()


def test_deploy_then_reset_runs_the_app(vboard, tmp_path):
    vboard.start()
    p = deploy(vboard, EXAMPLES / "echo_demo")
    assert p.returncode == 0, p.stderr
    assert "unix at" in p.stdout and " 0 unchanged, 0 removed" in p.stdout, p.stdout
    assert "soft reset: the app is starting" in p.stdout
    assert (vboard.flash / "shim" / "usocket.mpy").is_file()  # compiled for the board
    assert (vboard.flash / "usr" / "note.py").is_file()
    out = transcript(vboard)
    assert out.count("[client] recv data: b'1234567890'") == 3, out
    assert "[server] bind address: 127.0.0.1, 80" in out

    p = deploy(vboard, EXAMPLES / "echo_demo")
    assert p.returncode == 0, p.stderr
    assert ": 0 of " in p.stdout, p.stdout  # nothing changed: nothing copied
    # still a shim board, though the shim's uos now answers as QuecPython's
    assert "unix board, running the shim" in p.stdout and "unix at" in p.stdout, p.stdout
    transcript(vboard)

    app = tmp_path / "app"
    shutil.copytree(EXAMPLES / "echo_demo", app)
    (app / "main.py").write_text((app / "main.py").read_text().replace("ROUNDS = 3", "ROUNDS = 2"))
    p = deploy(vboard, app)
    assert ": 1 of " in p.stdout, p.stdout
    assert transcript(vboard).count("[client] recv data: b'1234567890'") == 2

    single = tmp_path / "single.py"
    single.write_text("print('only main')\n")
    p = deploy(vboard, single)
    assert p.returncode == 0, p.stderr
    assert ", 1 removed" in p.stdout, p.stdout
    assert not (vboard.flash / "usr" / "note.py").exists()


def test_deploy_to_a_quectel_module_copies_the_app_only(vboard, tmp_path):
    vboard.start()
    app = tmp_path / "app.py"
    app.write_text("print('hello')\n")
    p = deploy(vboard, app, "--board", "quectel")
    assert p.returncode == 0, p.stderr
    assert "quectel at" in p.stdout and ": 1 of 1 files copied" in p.stdout, p.stdout
    assert sorted(os.listdir(vboard.flash)) == ["boot.py", "usr"]  # nothing outside /usr
    assert (vboard.flash / "usr" / "main.py").read_text() == "print('hello')\n"


def test_deploy_errors(tmp_path):
    p = subprocess.run(QPYSHIM + ["deploy", "--port", str(tmp_path / "nope"), str(EXAMPLES / "echo_demo")],
                       capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert p.returncode == 2 and "cannot open" in p.stderr, p


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_board_stops_cleanly(vboard, sig):
    (vboard.flash / "main.py").write_text("import time\nwhile True:\n    time.sleep_ms(50)\n")
    vboard.start()
    code, left = vboard.stop(sig)
    assert code == (0 if sig == signal.SIGINT else 128 + sig)  # a supervisor's SIGTERM: 143
    assert left == []  # no interpreter left running


def test_mip_installs_the_shim_from_package_json(vboard, tmp_path):
    import json
    import shutil

    from esp32_board import layout, run
    from qpyshim import shipping

    urls = json.loads((ROOT / "package.json").read_text())["urls"]
    on_disk = {f"shim/{f}" for f in shipping.device_files("esp32")}
    assert {src for _, src in urls} == on_disk  # every board-side module, nothing host-only
    assert not any("/_desktop/" in src or "/_ports/unix" in src or "/_ports/cpython" in src for src in on_disk)
    vboard.start()
    p = vboard.mpremote("mip", "install", "--target", "/lib", str(ROOT / "package.json"))
    assert p.returncode == 0, p.stdout + p.stderr
    lib = vboard.flash / "lib"
    assert sorted(p.relative_to(lib).as_posix() for p in lib.rglob("*.py")) == sorted(on_disk)
    # What mip put on the board runs as a board runs it (the ESP32 port, with
    # its stand-ins): nothing the desktop alone has is missing.
    board = layout(tmp_path, source="import usocket, dataCall, checkNet\n"
                   "print('ready', checkNet.waitNetworkReady(20))\n"
                   "print('got', usocket.IPPROTO_TCP_SER, dataCall.getInfo(1, 0)[2][0])\n")
    shutil.rmtree(board / "shim")
    shutil.copytree(lib / "shim", board / "shim")
    r = run(board)
    assert r.code == 0, r
    assert r.value("ready") == (3, 1) and r.value("got") == "7 1"


def test_power_restart_and_watchdog_reboot_the_virtual_board(vboard, tmp_path):
    app = tmp_path / "power.py"
    app.write_text("""
import ql_fs, utime
from misc import Power
from machine import WDT
n = (ql_fs.read_json('/usr/boots.json') or 0) + 1
ql_fs.touch('/usr/boots.json', n)
print('boot %d reason %d' % (n, Power.powerOnReason()))
if n == 1:
    Power.powerRestart()
if n == 2:
    WDT(1)
    utime.sleep(30)
while True:
    utime.sleep(1)
""")
    vboard.start()
    port = Port(vboard.device)
    try:
        p = deploy(vboard, app)
        assert p.returncode == 0, p.stderr
        port.expect(b"boot 1 reason 1\r\n")
        port.expect(b"boot 2 reason 2\r\n")  # after powerRestart
        port.expect(b"boot 3 reason 5\r\n")  # after the watchdog
    finally:
        port.close()


def test_ctrl_c_while_the_board_starts(vboard):
    """mpremote's Ctrl-C, Ctrl-A sent the moment the port appears, while the
    interpreter is still starting: the Ctrl-C waits for Python code to
    interrupt, the Ctrl-A for the REPL, and the raw REPL comes up."""
    vboard.start()
    port = Port(vboard.device)
    try:
        port.write(b"\r\x03\x03\r\x01")
        port.expect(b"raw REPL; CTRL-B to exit\r\n>")
        port.write(b"print(6 * 7)\x04")
        assert port.expect(b"\x04>").startswith(b"OK42\r\n")
    finally:
        port.close()
