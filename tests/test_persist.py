"""What QuecPython keeps through a power-off is kept by the desktop board in
its flash, outside /usr: read at every boot, through misc.Power.powerRestart(),
a watchdog reset and the next `qpyshim run --flash DIR`. A board caught in a
restart loop gets one line naming those settings; --duration and Ctrl-C end
such a board cleanly. Both runtimes."""

import re
import signal

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


def test_duration_ending_in_a_restart_loop_exits_0(board):
    """--duration ends a board that restarts for ever with status 0 and no
    traceback, wherever in its boot the end falls (six lengths: the end lands
    at a different point of a boot each time)."""
    app = BOOTS + """
Power.powerRestart()
"""
    for seconds in ("0.7", "1", "1.3", "1.6", "2", "2.5"):
        r = board.run(app, args=("--duration", seconds), timeout=60)
        assert r.code == 0, r
        assert "Traceback" not in r.err, r
        assert _boots(r), r  # how many boots fit in the time is the machine's business


def test_ctrl_c_to_the_runner_between_boots_leaves_no_traceback(board):
    """Ctrl-C to the runner while a board restarts (between two boots, or
    while the next is starting) ends the run without a Python traceback."""
    for at in (2, 4):
        app = board.start(BOOTS + """
Power.powerRestart()
""")
        try:
            app.expect(r"^boot %d " % at)
            app.proc.send_signal(signal.SIGINT)
            code = app.wait(30)
        finally:
            app.kill()
        assert code in (0, 130), app.stderr
        assert "Traceback" not in app.stderr, app.stderr
        assert not re.search(r"KeyboardInterrupt", app.stderr), app.stderr
