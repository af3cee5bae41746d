"""The radio and the SIM as the module has them: CFUN 0 powers the SIM down
with the radio, CFUN 4 (airplane) keeps it, and a SIM with its PIN enabled
asks for it again when it powers back up. Both runtimes."""

import pytest

from inproc.fixtures import inboard  # noqa: F401  (a fixture: its runs are in-process)


def test_cfun_0_powers_the_sim_down_and_cfun_4_keeps_it(inboard):
    """CFUN 0 is minimum functionality (3GPP TS 27.007 +CFUN): on Quectel's
    modules the (U)SIM is powered down with the RF, so sim.getStatus() reads
    0 and the card's IMSI/ICCID are unreadable (sim.md: only with status 1)
    until CFUN 1. CFUN 4 turns off only the RF: the card stays ready. Without
    a registration operatorName() is -1 (QuecPython/micropython
    ports/quectel/modnet.c: -1 unless the data registration is 1 or 5) and
    csqQueryPoll() 99 (net.md: 99 unknown)."""
    r = inboard.run("""
import net, sim
def show(tag):
    print(tag, net.getModemFun(), sim.getStatus(), sim.getImsi(), sim.getIccid(),
          net.operatorName(), net.csqQueryPoll(), net.getState()[1][0])
print('set0', net.setModemFun(0))
show('fun0')
print('set1', net.setModemFun(1))
show('fun1')
print('set4', net.setModemFun(4))
show('fun4')
print('back', net.setModemFun(1), net.operatorName())
""")
    assert r.code == 0, r
    assert r.value("fun0") == "0 0 -1 -1 -1 99 0"
    assert r.value("fun1") == "1 1 460105466870381 89860390845513443049 ('CHN-UNICOM', 'UNICOM', '460', '01') 31 1"
    assert r.value("fun4") == "4 1 460105466870381 89860390845513443049 -1 99 0"
    assert r.value("back") == "0 ('CHN-UNICOM', 'UNICOM', '460', '01')"


def test_a_pin_enabled_sim_asks_again_after_cfun_0_then_1(inboard):
    """sim.md: with PIN verification enabled the PIN must be verified again
    whenever the SIM powers on; CFUN 0 then 1 powers it down and up, so
    sim.getStatus() reads 2 and sim.verifyPin works as after a power-on, and
    the data call returns once it has (dataCall.md: auto-activation). CFUN 4
    leaves the card powered: no PIN asked."""
    r = inboard.run("""
import net, sim, checkNet, dataCall
print('boot', sim.getStatus(), sim.verifyPin('1234'), sim.getStatus())
print('ready', checkNet.waitNetworkReady(10))
net.setModemFun(0)
print('off', sim.getStatus(), sim.verifyPin('1234'))
net.setModemFun(1)
print('on', sim.getStatus(), dataCall.getInfo(1, 0)[2][0], checkNet.waitNetworkReady(1))
print('verify', sim.verifyPin('1234'), sim.getStatus())
print('ready', checkNet.waitNetworkReady(10), dataCall.getInfo(1, 0)[2][0])
net.setModemFun(4)
net.setModemFun(1)
print('air', sim.getStatus(), sim.verifyPin('1234'))
""", net={"sim": {"pin_enabled": True}})
    assert r.code == 0, r
    assert r.value("boot") == "2 0 1"
    assert r.value("off") == "0 -1"  # the card is off: nothing to verify
    assert r.value("on") == "2 0 (1, 2)"  # asks for its PIN again; no data call without it
    assert r.value("verify") == "0 1"
    assert [line for line in r.lines if line.startswith("ready")] == ["ready (3, 1)", "ready (3, 1) 1"]
    assert r.value("air") == "1 -1"


@pytest.mark.parametrize("runtime", ["micropython", "cpython"])
def test_cfun_from_the_control_channel_powers_the_sim_too(quecpython, runtime):
    """The control channel's set_modem_fun is the app's net.setModemFun: CFUN 0
    takes the SIM down with the radio (as above), and no hot-swap callback
    fires for it (sim.md: setCallback reports insertion and removal)."""
    app = quecpython(None, runtime=runtime, files={"main.py": """
import sim, net, utime
sim.setSimDet(1, 0)
sim.setCallback(lambda s: print('swap', s))
net.setCallback(lambda a: print('net', a[1]))
print('ready')
while True:
    utime.sleep(1)
"""})
    app.expect(r"^ready$")
    app.set_modem_fun(0)
    app.expect(r"^net 0$")
    assert app.state()["sim"] == 0 and app.state()["fun"] == 0
    app.set_modem_fun(1)
    app.expect(r"^net 1$")
    assert app.state()["sim"] == 1
    assert not any(line.startswith("swap") for line in app.transcript), app.transcript
