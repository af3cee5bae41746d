"""dataCall and checkNet against the simulated modem of the desktop board."""

from inproc.fixtures import inboard  # noqa: F401  (a fixture: its runs are in-process)


def test_getinfo_shapes(inboard):
    r = inboard.run("""
import dataCall
print('v4', dataCall.getInfo(1, 0))
print('v6', dataCall.getInfo(1, 1))
print('both', dataCall.getInfo(1, 2))
print('off', dataCall.getInfo(2, 0))
print('off both', dataCall.getInfo(3, 2))
print('kinds', [type(dataCall.getInfo(1, 0)).__name__, type(dataCall.getInfo(1, 0)[2]).__name__])
""")
    assert r.code == 0, r
    assert r.value("v4") == (1, 0, [1, 0, "127.0.0.1", "127.0.0.53", "127.0.0.54"])
    # profile 1's context is IPv4 only, so its IPv6 record is down
    assert r.value("v6") == (1, 1, [0, 0, "::", "::", "::"])
    assert r.value("both") == (1, 2, [1, 0, "127.0.0.1", "127.0.0.53", "127.0.0.54"], [0, 0, "::", "::", "::"])
    assert r.value("off") == (2, 0, [0, 0, "0.0.0.0", "0.0.0.0", "0.0.0.0"])
    assert r.value("off both") == (3, 2, [0, 0, "0.0.0.0", "0.0.0.0", "0.0.0.0"], [0, 0, "::", "::", "::"])
    assert r.value("kinds") == ["tuple", "list"]


def test_activate_deactivate_and_callback(inboard):
    r = inboard.run("""
import dataCall, _thread, utime
events = []
lock = _thread.allocate_lock()
def cb(args):
    with lock:
        events.append(args)
print('setcb', dataCall.setCallback(cb))
print('act', dataCall.activate(2))
print('info', dataCall.getInfo(2, 0))
print('deact', dataCall.deactivate(2))
print('info2', dataCall.getInfo(2, 0)[2][0])
for i in range(500):
    with lock:
        if len(events) == 2:
            break
    utime.sleep_ms(10)
with lock:
    print('events', sorted(events, key=lambda e: -e[1]))
""")
    assert r.code == 0, r
    assert r.value("setcb") == 0 and r.value("act") == 0 and r.value("deact") == 0
    assert r.value("info") == (2, 0, [1, 0, "127.0.0.2", "127.0.0.53", "127.0.0.54"])
    assert r.value("info2") == 0
    assert r.value("events") == [(2, 1, 0), (2, 0, 0)]


def test_pdp_context_roundtrip(inboard):
    r = inboard.run("""
import dataCall
print('default', dataCall.getPDPContext(1))
print('set', dataCall.setPDPContext(1, 2, '3gnet', 'user', 'pw', 0))
print('get', dataCall.getPDPContext(1))
print('keep', dataCall.setPDPContext(1, 0, None, '', '', 1), dataCall.getPDPContext(1))
print('v6 now', dataCall.getInfo(1, 2)[3][0])
print('start', dataCall.start(3, 0, 'cmnet', '', '', 0), dataCall.getInfo(3, 0)[2][:3])
print('stop', dataCall.stop(3, 0), dataCall.getInfo(3, 0)[2][0])
""")
    assert r.code == 0, r
    assert r.value("default") == (0, "", "", "", 0)
    assert r.value("set") == 0
    # credentials with authType 0 become CHAP (2), as on the module
    assert r.value("get") == (2, "3gnet", "user", "pw", 2)
    assert r.out.splitlines()[3] == "keep 0 (0, '3gnet', '', '', 0)", r
    assert r.out.splitlines()[5] == "start 0 [1, 0, '127.0.0.3']", r
    assert r.out.splitlines()[6] == "stop 0 0", r


def test_auto_activate_persists_for_next_boot(board):
    r = board.run("""
import dataCall, ujson
print('act', dataCall.setAutoActivate(2, 1))
print('conn', dataCall.setAutoConnect(2, 1))
with open('/usr/datacall_config.json') as f:
    print('saved', ujson.load(f))
""", args=("--flash", str(board.tmp / "flash")))
    assert r.code == 0, r
    assert r.value("act") == 0 and r.value("conn") == 0
    saved = r.value("saved")
    assert saved["2"] == {"autoActivate": 1, "autoConnect": 1}
    assert saved["1"]["autoActivate"] == 1
    # the next power-on of the same flash brings profile 2 up by itself
    r2 = board.run("""
import dataCall
print('p2', dataCall.getInfo(2, 0)[2][0])
""", args=("--flash", str(board.tmp / "flash")))
    assert r2.value("p2") == 1, r2


def test_datacall_bad_profile(inboard):
    r = inboard.run("""
import dataCall
for f, a in ((dataCall.activate, (0,)), (dataCall.getInfo, (8, 0)), (dataCall.activate, (9,)),
             (dataCall.getInfo, (1, 3)), (dataCall.setPDPContext, (1, 5, '', '', '', 0)),
             (dataCall.setAutoActivate, (1, 2)), (dataCall.setCallback, (42,))):
    print('e', err(f, *a)[:2])
""")
    assert r.code == 0, r
    errs = [line for line in r.lines if line.startswith("e ")]
    assert errs[0] == "e ('ValueError', 'invalid value, profileID should be in [1,7].')", r
    assert [e.split("'")[1] for e in errs] == ["ValueError"] * 6 + ["TypeError"], r


def test_wait_network_ready(inboard):
    r = inboard.run("""
import checkNet
print('ready', checkNet.waitNetworkReady(30))
print('old', checkNet.wait_network_connected(5))
cn = checkNet.CheckNetwork('demo', '1.0')
cn.poweron_print_once()
cn.poweron_print_once()
print('cn', cn.wait_network_connected(5))
print('dc', checkNet.CheckNetwork.check_datacall_status())
print('range', err(checkNet.waitNetworkReady, 0))
print('range2', err(checkNet.waitNetworkReady, 3601))
""")
    assert r.code == 0, r
    assert r.value("ready") == (3, 1) and r.value("old") == (3, 1) and r.value("cn") == (3, 1)
    assert r.lines.count("PROJECT_NAME     : demo") == 1, r
    assert r.value("dc") == 1
    assert r.value("range") == ("OSError", "timeout_s should be in [1, 3600]s!", "timeout_s should be in [1, 3600]s!")
    assert r.value("range2")[0] == "OSError"


def test_wait_network_no_sim_returns_at_once(inboard):
    r = inboard.run("""
import checkNet, dataCall
print('stage', checkNet.waitNetworkReady(3600))
print('act', dataCall.activate(1))
""", net={"sim": {"status": 0}}, timeout=60)
    assert r.code == 0, r
    assert r.value("stage") == (1, 0)
    assert r.value("act") == -1


def test_wait_network_not_registered_waits_for_timeout(inboard):
    r = inboard.run("""
import checkNet
print('stage', checkNet.waitNetworkReady(1))
""", net={"net": {"data_state": 3}})
    assert r.value("stage") == (2, 3), r


def test_wait_network_no_data_call(inboard):
    r = inboard.run("""
import checkNet, dataCall
print('stage', checkNet.waitNetworkReady(1))
dataCall.activate(1)
print('after', checkNet.waitNetworkReady(1))
""", net={"datacall": {"auto_activate": []}})
    assert r.value("stage") == (3, 0), r
    assert r.value("after") == (3, 1), r
