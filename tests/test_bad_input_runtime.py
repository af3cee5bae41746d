"""Wrong calls into the system, cellular, peripheral and network-library
modules: each gets the exception (or the -1) QuecPython gives, or a clear one
where it is silent, on both runtimes; none crashes the app or hangs. The
calls run in one app per runtime, in-process on a fresh board
(tests/inproc/host.py app_result)."""

import pytest

from conftest import PRELUDE

# (call, expected): expected is an exception name or ('=', value) for a return value.
CASES = [
    ("osTimer().start('10', 0, print)", "ValueError"),
    ("osTimer().start(10, 2, print)", "ValueError"),
    ("osTimer().start(10, 0, None)", "TypeError"),
    ("queue.Queue(1).put(1) and queue.Queue(0).put(1)", ("=", False)),
    ("sys_bus.subscribe(None, print)", "KeyError"),
    ("sys_bus.unsubscribe('never-subscribed')", "KeyError"),
    ("sys_bus.sub_table('never-subscribed')", "KeyError"),
    ("ql_fs.path_exists(None)", ("=", False)),
    ("ql_fs.read_json('/usr/none/x.json')", ("=", None)),
    ("ql_fs.file_copy('/usr/a', '/usr/none')", ("=", False)),
    ("ql_fs.rmdirs('/usr/none')", "OSError"),
    ("example.exec(5)", "TypeError"),
    ("utime.setTimeZone('8')", "ValueError"),
    ("utime.setTimeZone(-13)", "ValueError"),
    ("uos.uname(1)", "TypeError"),
    ("net.setModemFun('1')", ("=", -1)),
    ("net.setModemFun(2)", ("=", -1)),
    ("net.getState(5)", "ValueError"),
    ("net.setConfig(-1)", ("=", -1)),
    ("net.setBand('x', 0, ())", ("=", -1)),
    ("sim.verifyPin(1234)", "ValueError"),
    ("sim.setSimDet(2, 0)", "ValueError"),
    ("sim.unblockPin('1', '2')", ("=", -1)),
    ("sim.switchCard(1)", ("=", -1)),
    ("modem.getDevImei(3)", "ValueError"),
    ("misc.USBNET.set_worktype(9)", ("=", -1)),
    ("misc.USBNET.setNat(0, 99, 0)", ("=", -1)),
    ("machine.Pin(0)", "ValueError"),
    ("machine.Pin(1, 1, 7)", "ValueError"),
    ("machine.Pin(1, 1, 0, 2)", "ValueError"),
    ("machine.Pin(1).write(5)", "ValueError"),
    ("machine.ExtInt(1, 5, 0, print)", "ValueError"),
    ("machine.ExtInt(1, 0, 0, None)", "ValueError"),
    ("machine.ExtInt(1, 0, 0, print).read_count(3)", "ValueError"),
    ("machine.Timer(4)", "ValueError"),
    ("machine.Timer(1).start(period='x', mode=1, callback=print)", "ValueError"),
    ("machine.Timer(1).start(period=10, mode=3, callback=print)", "ValueError"),
    ("machine.WDT(0)", "ValueError"),
    ("machine.RTC().datetime((2024, 1))", "ValueError"),
    ("machine.RTC().enable_alarm(2)", ("=", -1)),
    ("machine.UART(9, 115200, 8, 0, 1, 0)", "ValueError"),
    ("machine.UART(2, 115200, 8, 0, 3, 0)", "ValueError"),
    ("machine.UART(2, '115200', 8, 0, 1, 0)", "ValueError"),
    ("log.set_output(42)", "Exception"),
    ("log.getLogger('x').info('%d', 'not a number')", "TypeError"),
    ("ntptime.settime('8')", ("=", -1)),
    ("ntptime.sethost(None)", ("=", -1)),
    ("umqtt.MQTTClient('c', '127.0.0.1', 1883, keepalive=2)", "ValueError"),
    ("umqtt.MQTTClient('c', 'no-such-broker.invalid').connect()", "ValueError"),
    ("request.get('')", "ValueError"),
    ("request.get('ftp://x/')", "ValueError"),
    ("request.get('http://127.0.0.1:notaport/')", "ValueError"),
    ("request.get('http://no-such-host.invalid/')", "IndexError"),
    ("ussl.wrap_socket(usocket.socket(), None, None, 'key')", "ValueError"),
    ("ussl.wrap_socket(usocket.socket(), None, 5, 6)", "ValueError"),
]

APP = PRELUDE + """
import osTimer, queue, sys_bus, ql_fs, example, utime, uos, net, sim, modem, misc, machine, log
import ntptime, umqtt, request, ussl, usocket
import ujson
out = []
for call in ujson.loads(CALLS):
    try:
        v = eval(call)
        out.append(['=', v if v is None or isinstance(v, (int, bool, str)) else repr(v)])
    except Exception as e:
        out.append(['OSError' if isinstance(e, OSError) else type(e).__name__])
print('results', ujson.dumps(out))
"""


@pytest.fixture(scope="module", params=["micropython", "cpython"])
def results(request, tmp_path_factory):
    import json

    from inproc.host import app_result  # in-process, once per session (not per xdist worker)

    src = APP.replace("CALLS", repr(json.dumps([c for c, _ in CASES])))
    r = app_result(tmp_path_factory, "bad_input_runtime_" + request.param, request.param, src, timeout=60)
    assert r.code == 0, r
    return json.loads(r.value("results") if isinstance(r.value("results"), str)
                      else json.dumps(r.value("results")))


@pytest.mark.parametrize("i", range(len(CASES)), ids=[c for c, _ in CASES])
def test_wrong_call(results, i):
    call, expected = CASES[i]
    got = results[i]
    if isinstance(expected, tuple):
        assert got == ["=", expected[1]], f"{call}: {got}"
    else:
        assert got == [expected], f"{call}: {got}"
