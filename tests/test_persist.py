"""What QuecPython keeps through a power-off is kept by the desktop board in
its flash, outside /usr: read at every boot, through misc.Power.powerRestart(),
a watchdog reset and the next `qpyshim run --flash DIR`. A board caught in a
restart loop gets one line naming those settings; --duration and Ctrl-C end
such a board cleanly. Both runtimes."""

import os
import signal
import time
from pathlib import Path

from conftest import processes_with

# Counts the board's power-ons in /usr (the app's own file, kept too).
BOOTS = """
import ql_fs
from misc import Power
n = (ql_fs.read_json('/usr/boots.json') or 0) + 1
ql_fs.touch('/usr/boots.json', n)
print('boot', n, Power.powerOnReason())
"""


def _boots(r):
    return [line for line in r.lines if line.startswith("boot ")]


def test_an_app_that_sets_its_apn_and_restarts_restarts_once(board):
    """QuecPython docs API_reference/en/iotlib/dataCall.md, the module's own
    sample: setPDPContext "saves the configuration information when power is
    off", so the APN check after Power.powerRestart() finds it set. Before,
    the context came back from the board config at each boot: it restarted
    until --duration ended."""
    r = board.run(BOOTS + """
import dataCall
ctx = dataCall.getPDPContext(1)
print('ctx', ctx)
if ctx[1] != '3gnet':
    print('set', dataCall.setPDPContext(1, 0, '3gnet', '', '', 0))
    Power.powerRestart()
""", args=("--duration", "20"), timeout=60)
    assert r.code == 0, r
    assert _boots(r) == ["boot 1 1", "boot 2 2"], r
    assert r.err.count("the board restarts") == 1, r
    assert [line for line in r.lines if line.startswith("ctx")] == [
        "ctx (0, '', '', '', 0)", "ctx (0, '3gnet', '', '', 0)"]


def test_settings_survive_the_next_run_of_the_same_flash(board):
    """Each kept setting, per its doc page: dataCall.md (setPDPContext saved at
    power-off), misc.USBNET.md (set_worktype and setNat "take effect after the
    module is rebooted"), sim.md (enablePin: the PIN is asked for "when the
    module is powered on again"). The store is not in the app's /usr."""
    flash = board.tmp / "flash"
    r = board.run("""
import dataCall, sim, uos
from misc import USBNET
print('pdp', dataCall.setPDPContext(2, 2, 'iot.apn', 'u', 'p', 1))
print('usb', USBNET.set_worktype(USBNET.Type_RNDIS), USBNET.setNat(0, 2, 0))
print('pin', sim.enablePin('1234'), sim.changePin('1234', '4321'))
""", args=("--flash", str(flash)))
    assert r.code == 0, r
    assert r.value("pdp") == 0 and r.value("usb") == "0 0" and r.value("pin") == "0 0"
    r = board.run("""
import dataCall, sim, uos, checkNet
from misc import USBNET
print('pdp', dataCall.getPDPContext(2))
print('usb', USBNET.get_worktype(), USBNET.getNat(0, 2), USBNET.getNat(0, 1))
print('sim', sim.getStatus(), sim.verifyPin('1234'), sim.verifyPin('4321'), sim.getStatus())
print('net', checkNet.waitNetworkReady(10))
print('usr', sorted(uos.listdir('/usr')))
""", args=("--flash", str(flash)))
    assert r.code == 0, r
    assert r.value("pdp") == (2, "iot.apn", "u", "p", 1)
    assert r.value("usb") == "3 0 1"
    assert r.value("sim") == "2 -1 0 1"  # asked for at power-on; the changed PIN is the card's
    assert r.value("net") == (3, 1)
    assert r.value("usr") == ["main.py"]  # the app's files only
    assert (flash / "nvram.json").is_file()


def test_a_watchdog_reset_keeps_the_settings(board):
    """misc.Power.md: 5 = reboot by the watchdog; what setPDPContext saved is
    read again at that boot too (dataCall.md)."""
    r = board.run(BOOTS + """
import dataCall
if n == 1:
    from machine import WDT
    dataCall.setPDPContext(3, 0, 'wd.apn', '', '', 0)
    wdt = WDT(1)
    import utime
    utime.sleep(30)  # hung: the watchdog bites
print('ctx', dataCall.getPDPContext(3))
""", timeout=60)
    assert r.code == 0, r
    assert _boots(r) == ["boot 1 1", "boot 2 5"], r
    assert r.value("ctx") == (0, "wd.apn", "", "", 0)


def test_a_restart_loop_gets_one_line_naming_the_settings_read_at_boot(board):
    """A board that keeps restarting soon after power-on: after the first
    few restarts one `qpyshim:` line says so and names what it reads at boot
    (the PDP context it set), then its restarts go unreported. The app ends
    the loop itself (powerDown) after ten boots, so the count is exact."""
    r = board.run(BOOTS + """
import dataCall
dataCall.setPDPContext(1, 0, 'loop.apn', '', '', 0)
if n == 10:
    Power.powerDown()
Power.powerRestart()
""", timeout=120)
    assert r.code == 0, r
    assert len(_boots(r)) == 10, r
    assert r.err.count("the board restarts") == 4, r.err
    storm = [line for line in r.err.splitlines() if "restart loop" in line]
    assert len(storm) == 1, r.err
    assert storm[0].startswith("qpyshim: ") and "'loop.apn'" in storm[0], storm


def test_a_restart_loop_on_usbnet_nat_names_it(board):
    """misc.USBNET.setNat is kept like set_worktype ("Restart takes effect",
    QuecPython wiki en-us/api/QuecPythonClasslib.md, USBNET.setNat; 0 lets the
    profile dial IPv6, 1 is the value of a profile never set): a board that
    sets it and restarts for ever is told so, and not of a work type it never
    set. Before, the line named set_worktype (ECM, the default) instead."""
    r = board.run(BOOTS + """
from misc import USBNET
USBNET.setNat(0, 2, 0)
USBNET.setNat(0, 3, 1)
if n == 6:
    Power.powerDown()
Power.powerRestart()
""", timeout=120)
    assert r.code == 0, r
    storm = [line for line in r.err.splitlines() if "restart loop" in line]
    assert len(storm) == 1, r.err
    assert "profile 2 NAT 0" in storm[0] and "setNat" in storm[0], storm
    assert "profile 3" not in storm[0] and "set_worktype" not in storm[0], storm
    assert "no settings of its own" not in storm[0], storm


def test_duration_ending_in_a_restart_loop_exits_0(board):
    """--duration ends a board that restarts for ever with status 0 and no
    traceback, wherever in its boot the end falls (several lengths: the end
    lands at a different point of a boot each time). How many boots fit in
    the time is the machine's business: not asserted."""
    app = BOOTS + """
Power.powerRestart()
"""
    for seconds in ("0.7", "1.3", "2", "2.5", "4"):
        r = board.run(app, args=("--duration", seconds), timeout=60)
        assert r.code == 0, r
        assert "Traceback" not in r.err and "KeyboardInterrupt" not in r.err, r


class _Run:
    """`qpyshim run` in a session of its own, as a terminal runs it in a
    process group of its own: os.killpg(SIGINT) is the terminal's Ctrl-C,
    which the kernel sends to every process of the group."""

    def __init__(self, board, source, flash):
        self.flash = Path(flash).resolve()
        self.app = board.start(source, args=("--flash", str(self.flash)))
        self.proc = self.app.proc

    def wait_for(self, stream, pattern, count, timeout=60):
        deadline = time.monotonic() + timeout
        for _ in range(count):
            self.app.expect(pattern, timeout=deadline - time.monotonic(), streams=(stream,))

    def ctrl_c(self, timeout=30):
        os.killpg(self.proc.pid, signal.SIGINT)
        return self.proc.wait(timeout)

    def close(self):
        self.app.kill()

    @property
    def stderr(self):
        return self.app.stderr


def _board_processes(flash):
    return processes_with("QPYSHIM_FLASH", flash)


def _ctrl_c_in_a_restart_loop(board, stream, pattern, count, tag, after=0.0):
    run = _Run(board, BOOTS + """
Power.powerRestart()
""", board.tmp / f"flash-{tag}")
    try:
        run.wait_for(stream, pattern, count)
        # Not a wait for anything: moves the Ctrl-C into the next boot's start-up.
        time.sleep(after)
        code = run.ctrl_c()
    finally:
        left = _board_processes(run.flash)
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        run.close()
    assert code == 130, (code, run.stderr)
    assert "Traceback" not in run.stderr and "KeyboardInterrupt" not in run.stderr, run.stderr
    assert left == [], "a board outlived the run"


def test_ctrl_c_to_a_restart_loop_after_n_boots(board):
    """A terminal's Ctrl-C (SIGINT to the runner's whole process group) after
    the app printed its Nth line ends the run with 130 and no traceback. The
    app's board has a session of its own, so only the runner gets it, and it
    powers a board restarted moments ago off rather than hand the Ctrl-C to
    an interpreter that may still be starting (Python raises it in the middle
    of its imports there). 130, the shell's status for a Ctrl-C, because no
    app was there to take it; the first boot's app would take it (and end
    with its own status, as tests/test_examples.py checks), so N >= 2."""
    for n in (2, 5, 8):
        _ctrl_c_in_a_restart_loop(board, "stdout", r"^boot %d " % n, 1, f"boot{n}")


def test_ctrl_c_to_the_runner_between_boots_leaves_no_traceback(board):
    """A terminal's Ctrl-C right after `qpyshim: the board restarts` (the
    runner is between two boots, or the next boot's interpreter is starting)
    ends the run with 130 (see above: no app took it), no traceback from the
    runner or the board, and no board process left. At each restart line, at
    once or up to 150 ms after (while the next boot's interpreter starts,
    where Ctrl-C used to land: any point must give the same end), and at the
    restart-loop line that follows the fourth."""
    for k, after in ((1, 0), (1, 0.03), (2, 0.06), (3, 0.1), (4, 0.15)):
        _ctrl_c_in_a_restart_loop(board, "stderr", r"^qpyshim: the board restarts", k, f"r{k}", after)
    _ctrl_c_in_a_restart_loop(board, "stderr", r"restart loop\?", 1, "storm")
