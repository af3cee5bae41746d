"""The board's model decides what the module can do: the PDP profile range
(the board config's model.pdp_range table), the firmware version string and
the power-on reason CheckNetwork prints. Both runtimes."""

import re

from inproc.fixtures import inboard  # noqa: F401  (a fixture: its runs are in-process)


def test_profile_range_is_the_models(inboard):
    """QuecPython/micropython ports/quectel/moddatacall.c: dial.start, stop and
    getInfo check the model's HELIOS_PROFILE_IDX_MIN..MAX (dial.getPdpRange());
    the docs' cellLocator.md gives 1-7 on EC600U/EC200U and 1-8 on
    EC600N/EC600S/EC800N, and dataCall.md says getInfo's "maximum value of the
    actual profileID is greater than 3". The Python wrapper
    (ports/quectel/py/dataCall.py) checks 1-3; the shim lets setPDPContext,
    getPDPContext, activate and deactivate take the model's range too (apps
    written for a module with more profiles use them there) and keeps the
    wrapper's 1-3 for the auto-settings, whose file holds profiles 1-3."""
    r = inboard.run("""
import dataCall
print('info7', dataCall.getInfo(7, 0))
print('start5', dataCall.start(5, 0, 'five', '', '', 0), dataCall.getInfo(5, 0)[2][:2])
print('stop5', dataCall.stop(5, 0), dataCall.getInfo(5, 0)[2][0])
print('e8', err(dataCall.getInfo, 8, 0)[:2])
print('e0', err(dataCall.start, 0)[:2])
print('set6', dataCall.setPDPContext(6, 0, 'six', '', '', 0), dataCall.getPDPContext(6))
print('act6', dataCall.activate(6), dataCall.getInfo(6, 0)[2][0], dataCall.deactivate(6))
print('set8', err(dataCall.setPDPContext, 8, 0, 'x', '', '', 0)[:2])
print('auto4', err(dataCall.setAutoActivate, 4, 1)[:2])
""")
    assert r.code == 0, r
    assert r.value("info7") == (7, 0, [0, 0, "0.0.0.0", "0.0.0.0", "0.0.0.0"])
    assert r.value("start5") == "0 [1, 0]"
    assert r.value("stop5") == "0 0"
    assert r.value("e8") == ("ValueError", "invalid value, profileID should be in [1,7].")
    assert r.value("e0") == ("ValueError", "invalid value, profileID should be in [1,7].")
    assert r.value("set6") == "0 (0, 'six', '', '', 0)"
    assert r.value("act6") == "0 1 0"
    assert r.value("set8") == ("ValueError", "invalid value, profileID should be in [1,7].")
    assert r.value("auto4") == ("ValueError", "invalid value, profileID should be in [1,3].")


def test_an_eight_profile_model_and_a_model_not_in_the_table(inboard):
    """cellLocator.md: EC600N series 1-8. A model the table does not list keeps
    the documented 1-3 (dataCall.md)."""
    r = inboard.run("""
import dataCall
print('p8', dataCall.getInfo(8, 0)[0], err(dataCall.getInfo, 9, 0)[:2])
""", net={"model": {"name": "EC600N-CNLA"}})
    assert r.code == 0, r
    assert r.value("p8") == "8 ('ValueError', 'invalid value, profileID should be in [1,8].')"
    r = inboard.run("""
import dataCall
print('p4', err(dataCall.getInfo, 4, 0)[:2])
""", net={"model": {"name": "BG95-M3"}})
    assert r.code == 0, r
    assert r.value("p4") == ("ValueError", "invalid value, profileID should be in [1,3].")


def test_a_bad_profile_table_is_a_config_error(board):
    """The runner refuses a model.pdp_range entry that is not [first, last],
    and datacall profiles outside the model's range, with a clear message."""
    r = board.run("print('ran')", net={"model": {"pdp_range": {"EC600U": [1]}}})
    assert r.code == 2 and "model.pdp_range.EC600U" in r.err, r
    r = board.run("print('ran')", net={"datacall": {"profiles": {"8": {"apn": "x"}}}})
    assert r.code == 2 and "profile '8'" in r.err and "1-7" in r.err, r
    r = board.run("""
import dataCall
print('p7', dataCall.start(7, 0, '', '', '', 0), dataCall.getInfo(7, 0)[2][2])
""", net={"datacall": {"profiles": {"7": {"ipv4": "127.0.0.77"}}}})
    assert r.code == 0, r
    assert r.value("p7") == "0 127.0.0.77"


def test_firmware_version_has_the_modules_form(inboard):
    """QuecPython docs API_reference/en/syslib/modem.md: getDevFwVersion()
    -> 'EC100YCNAAR01A01M16_OCPU_PY': model and variant, revision, _OCPU_PY."""
    r = inboard.run("""
import modem
print('fw', modem.getDevFwVersion())
""")
    assert r.code == 0, r
    assert re.fullmatch(r"EC600UCNLBR\d\dA\d\dM\d\d_OCPU_PY", r.value("fw")), r
    r = inboard.run("""
import modem
print('fw', modem.getDevFwVersion())
""", net={"model": {"name": "EC200U-CNAA", "revision": "R02A03M08"}})
    assert r.value("fw") == "EC200UCNAAR02A03M08_OCPU_PY", r


def test_poweron_print_once_prints_the_power_on_reason(board):
    """QuecPython/micropython checkNet.py (2021) prints FIRMWARE_VERSION from
    modem.getDevFwVersion() and POWERON_REASON from Power.powerOnReason();
    misc.Power.md: 2 after a reboot."""
    r = board.run("""
import checkNet, modem, ql_fs
from misc import Power
n = (ql_fs.read_json('/usr/boots.json') or 0) + 1
ql_fs.touch('/usr/boots.json', n)
print('fw', modem.getDevFwVersion())
checkNet.CheckNetwork('P', '1.0').poweron_print_once()
if n == 1:
    Power.powerRestart()
""", timeout=60)
    assert r.code == 0, r
    fw = [line.split(" ", 1)[1] for line in r.lines if line.startswith("fw ")]
    assert [line for line in r.lines if line.startswith("FIRMWARE_VERSION")] == [
        "FIRMWARE_VERSION : " + fw[0]] * 2, r
    assert [line for line in r.lines if line.startswith("POWERON_REASON")] == [
        "POWERON_REASON   : 1", "POWERON_REASON   : 2"], r
