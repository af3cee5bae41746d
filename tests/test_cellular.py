"""net, sim, modem and misc on the desktop board's simulated modem, both
runtimes: values from the board config, setModemFun taking the data call
down and back, the SIM's PIN and hot-swap, power restart and power-down."""

import pytest

CELL = {
    "net": {"csq": 25, "operator": ["CMCC", "CMCC", "460", "00"],
            "signal": [[99, 99, 255, 255], [-70, -95, -9, 255, 12]], "config": [5, False]},
    "cell": {"lac": 4660, "cid": 99887766, "act": 7,
             "cells": [[], [], [[0, 99887766, 460, 0, 33, 4660, 1300, -70, -9],
                                [1, 11223344, 460, 0, 34, 4660, 1300, -90, -14]]]},
    "modem": {"imei": "861234567890123", "sn": "SN0001", "firmware": "EC200UCNAAR02A01M08"},
    "model": {"name": "EC200U-CNAA"},
    "sim": {"imsi": "460001234567890", "iccid": "89860012345678901234", "phone": "+8613800000000"},
}


def test_values_come_from_the_board_config(board):
    r = board.run("""
import net, sim, modem
from misc import Power, USBNET
print('csq', net.csqQueryPoll())
print('signal', net.getSignal(), net.getSignal(1))
print('op', net.operatorName())
print('state', net.getState())
print('cells', net.getCellInfo())
print('ci', net.getCi(), net.getServingCi(), net.getLac(), net.getServingMcc())
print('cfg', net.getConfig(), net.setConfig(8, 1), net.getConfig(), net.setConfig(99))
print('mode', net.getNetMode())
print('fun', net.getModemFun())
print('sim', sim.getStatus(), sim.getImsi(), sim.getIccid(), sim.getPhoneNumber())
print('dev', modem.getDevImei(), modem.getDevModel(), modem.getDevSN(), modem.getDevFwVersion(),
      modem.getDevProductId(), modem.getDevMAC())
print('power', Power.powerOnReason(), Power.powerDownReason(), Power.getVbatt())
print('usbnet', USBNET.get_worktype(), USBNET.set_worktype(USBNET.Type_RNDIS), USBNET.get_worktype(),
      USBNET.set_worktype(2), USBNET.get_status(), USBNET.open(), USBNET.get_status())
print('nat', USBNET.getNat(0, 1), USBNET.setNat(0, 1, 0), USBNET.getNat(0, 1), USBNET.setNat(1, 1, 0))
print('simid', err(net.getState, 2)[0])
""", net=CELL)
    assert r.code == 0, r
    assert r.value("csq") == 25
    assert r.value("signal") == "([99, 99, 255, 255], [-70, -95, -9, 255]) ([99, 99, 255, 255], [-70, -95, -9, 255, 12])"
    assert r.value("op") == ("CMCC", "CMCC", "460", "00")
    assert r.value("state") == ([1, 4660, 99887766, 7, 0, 0], [1, 4660, 99887766, 7, 0, 0])
    assert r.value("cells") == ([], [], [(0, 99887766, 460, 0, 33, 4660, 1300, -70, -9),
                                         (1, 11223344, 460, 0, 34, 4660, 1300, -90, -14)])
    assert r.value("ci") == "[99887766, 11223344] 99887766 [4660, 4660] 460"
    assert r.value("cfg") == "(5, False) 0 (8, True) -1"
    assert r.value("mode") == (0, "460", "00", 7)
    assert r.value("fun") == 1
    assert r.value("sim") == "1 460001234567890 89860012345678901234 +8613800000000"
    assert r.value("dev") == "861234567890123 EC200U SN0001 EC200UCNAAR02A01M08 Quectel -1"
    assert r.value("power") == "1 1 3800"
    assert r.value("usbnet") == "1 0 3 -1 0 0 1"
    assert r.value("nat") == "1 0 0 -1"
    assert r.value("simid") == "ValueError"


def test_set_modem_fun_takes_the_data_call_down_and_back(board):
    r = board.run("""
import net, dataCall, usocket, queue
q = queue.Queue()
dataCall.setCallback(lambda a: q.put(('dc', a)))
net.setCallback(lambda a: q.put(('net', a)))
srv = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, usocket.IPPROTO_TCP_SER)
srv.bind(('127.0.0.1', 0))
print('airplane', net.setModemFun(4), net.getModemFun())
print('events', sorted([q.get(), q.get()]))
print('down', dataCall.getInfo(1, 0)[2][0], net.getState()[1][0], net.csqQueryPoll(), net.operatorName())
c = usocket.socket()
print('connect', err(c.connect, ('127.0.0.1', 9))[:2])
print('full', net.setModemFun(1))
print('events', sorted([q.get(), q.get()]))
print('up', dataCall.getInfo(1, 0)[2][0], net.getState()[1][0])
print('bad', net.setModemFun(7), net.setModemFun(1, 5))
""")
    assert r.code == 0, r
    assert r.value("airplane") == "0 4"
    assert r.lines[1] == "events [('dc', (1, 0, 0)), ('net', (1, 0, 0, 0, 7))]"  # no serving cell
    assert r.value("down") == "0 0 99 -1"
    assert r.value("connect") == ("OSError", 113)
    assert r.value("full") == 0
    assert r.lines[5] == "events [('dc', (1, 1, 0)), ('net', (1, 1, 19472, 17104243, 7))]"
    assert r.value("up") == "1 1"
    assert r.value("bad") == "-1 -1"


def test_sim_pin_and_puk(board):
    r = board.run("""
import sim, dataCall, checkNet
print('locked', sim.getStatus(), sim.getImsi(), dataCall.getInfo(1, 0)[2][0])
print('stage', checkNet.waitNetworkReady(1))
print('wrong', sim.verifyPin('0000'), sim.getPinRemAttempts())
print('right', sim.verifyPin('4321'), sim.getStatus(), sim.getImsi())
print('again', sim.verifyPin('4321'))
print('stage', checkNet.waitNetworkReady(5), dataCall.getInfo(1, 0)[2][0])
print('change', sim.changePin('4321', '1111'), sim.changePin('4321', '2222'))
print('disable', sim.disablePin('1111'), sim.enablePin('1111'))
for _ in range(3):
    sim.changePin('9999', '0000')
print('blocked', sim.getStatus(), dataCall.getInfo(1, 0)[2][0])
print('puk', sim.unblockPin('00000000', '5555'), sim.unblockPin('87654321', '5555'), sim.getStatus())
print('newpin', sim.changePin('5555', '6666'))
print('long', err(sim.verifyPin, '1' * 16)[0])
""", net={"sim": {"pin_enabled": True, "pin": "4321", "puk": "87654321"}})
    assert r.code == 0, r
    assert r.value("locked") == "2 -1 0"
    assert r.lines[1] == "stage (1, 2)"  # checkNet stops at the SIM stage: PIN needed
    assert r.value("wrong") == "-1 (2, 10)"
    assert r.value("right") == "0 1 460105466870381"
    assert r.value("again") == -1  # no PIN asked for any more
    assert r.lines[5] == "stage (3, 1) 1"  # registered, the data call came up
    assert r.value("change") == "0 -1"
    assert r.value("disable") == "0 0"
    assert r.value("blocked") == "3 0"  # three wrong PINs: the PUK is needed
    assert r.value("puk") == "-1 0 1"
    assert r.value("newpin") == 0
    assert r.value("long") == "ValueError"


@pytest.mark.parametrize("runtime", ["micropython", "cpython"])
def test_sim_hot_swap_and_modem_fun_from_outside(quecpython, runtime):
    app = quecpython(None, runtime=runtime, files={"main.py": """
import sim, dataCall, net, utime
print('det', sim.setSimDet(1, 0), sim.getSimDet())
sim.setCallback(lambda s: print('sim', s))
dataCall.setCallback(lambda a: print('dc', a))
print('ready')
while True:
    utime.sleep(1)
"""})
    app.expect(r"^ready$")
    app.remove_sim()
    app.expect_all([r"^sim 2$", r"^dc \(1, 0, 0\)$"])  # two callbacks: in either order
    assert app.state()["sim"] == 0
    app.insert_sim()
    app.expect_all([r"^sim 1$", r"^dc \(1, 1, 0\)$"])
    app.set_modem_fun(0)
    app.expect(r"^dc \(1, 0, 0\)$")
    assert app.state()["fun"] == 0
    app.set_modem_fun(1)
    app.expect(r"^dc \(1, 1, 0\)$")
    assert "det 0 (1, 0)" in app.transcript


# Counts the board's power-ons in /usr, which a reboot keeps.
BOOTS = """
import ql_fs
from misc import Power
n = (ql_fs.read_json('/usr/boots.json') or 0) + 1
ql_fs.touch('/usr/boots.json', n)
print('boot', n, Power.powerOnReason())
"""


def test_power_restart_boots_the_app_again(board):
    r = board.run(BOOTS + """
if n == 1:
    Power.powerRestart()
    print('not reached')
""")
    assert r.code == 0, r
    assert [l for l in r.lines if l.startswith("boot")] == ["boot 1 1", "boot 2 2"]
    assert "not reached" not in r.out
    assert "the board restarts" in r.err


def test_power_down_ends_the_run(board):
    r = board.run("""
from misc import Power
import _thread, utime
_thread.start_new_thread(lambda: utime.sleep(60), ())
print('bye')
Power.powerDown()
print('not reached')
""", timeout=30)
    assert r.code == 0, r
    assert r.lines == ["bye"]
    assert "the board powered down" in r.err


def test_watchdog_reboots_an_app_that_stops_feeding_it(board):
    r = board.run(BOOTS + """
from machine import WDT
if n == 1:
    wdt = WDT(1)
    print('fed', wdt.feed(), WDT() is wdt)
    import utime
    utime.sleep(30)  # hung: the watchdog bites
elif n == 2:
    wdt = WDT(1)
    print('stopped', wdt.stop())
""", timeout=60)
    assert r.code == 0, r
    assert [l for l in r.lines if l.startswith("boot")] == ["boot 1 1", "boot 2 5"]
    assert r.value("fed") == "0 True"
    assert r.value("stopped") == 0
    assert "watchdog not fed" in r.err


def test_no_registration_without_a_usable_sim_and_no_surprise_reactivation(board):
    r = board.run("""
import sim, net, dataCall, queue
q = queue.Queue()
net.setCallback(lambda a: q.put(('net', a[:2])))
dataCall.setCallback(lambda a: q.put(('dc', a)))
print('locked', net.getState()[1][0], net.operatorName(), net.csqQueryPoll())
print('verify', sim.verifyPin('1234'))
print('events', sorted([q.get(), q.get()]))
print('state', net.getState()[1][0])
print('deact', dataCall.deactivate(1), q.get())
print('fun', net.setModemFun(1), q.empty(), dataCall.getInfo(1, 0)[2][0])  # already full: nothing changes
""", net={"sim": {"pin_enabled": True}})
    assert r.code == 0, r
    assert r.value("locked") == "0 -1 99"
    assert r.value("verify") == 0
    assert r.lines[2] == "events [('dc', (1, 1, 0)), ('net', (1, 1))]"
    assert r.value("state") == 1
    assert r.value("deact") == "0 ('dc', (1, 0, 0))"
    assert r.value("fun") == "0 True 0"


def test_control_follows_the_board_through_a_reboot(quecpython):
    app = quecpython(None, files={"main.py": BOOTS + """
import net, utime
if n == 1:
    while net.getModemFun() != 4:   # the test switches the radio off: the app reboots
        utime.sleep_ms(20)
    Power.powerRestart()
print('second')
while True:
    utime.sleep(1)
"""})
    app.expect(r"^boot 1 1$")
    assert app.state()["fun"] == 1
    app.set_modem_fun(4)
    app.expect(r"^boot 2 2$")
    app.expect(r"^second$")
    assert app.state()["fun"] == 1  # answered by the new board, its radio from the config
    app.set_modem_fun(0)
    assert app.state()["fun"] == 0
