"""QuecPython's umqtt against a real broker (mosquitto on loopback)."""

import queue

import pytest

from netservers import Broker, SilentBroker

APP = """
from umqtt import MQTTClient
import _thread, utime

def on_msg(topic, msg):
    print('msg', repr((topic, msg)))
    if msg == b'bye':
        c.disconnect()
        print('sta_after', c.get_mqttsta())

c = MQTTClient('qpy-{rt}', '127.0.0.1', {port}, keepalive=30)
c.set_callback(on_msg)
c.error_register_cb(lambda e: print('event', e))
print('connect', c.connect())
c.subscribe(b'qpy/down', 1)
print('sta', c.get_mqttsta())
print('pub0', c.publish('qpy/up', 'hello qos0'))
print('pub1', c.publish('qpy/up', b'hello qos1', qos=1))
print('ready')
while c.timerFlag:
    c.wait_msg()
"""


@pytest.fixture
def broker(tmp_path):
    b = Broker(tmp_path)
    yield b
    b.stop()


@pytest.mark.parametrize("runtime", ["micropython", "cpython"])
def test_connect_publish_subscribe(quecpython, broker, runtime):
    up = broker.subscriber("qpy/up")
    try:
        app = quecpython(None, runtime=runtime, files={"main.py": APP.format(rt=runtime, port=broker.port)})
        app.expect(r"^connect 0$")
        app.expect(r"^sta 0$")
        app.expect(r"^pub0 True$")
        app.expect(r"^pub1 True$")  # the PUBACK came back within the module's 5 s
        app.expect(r"^ready$")
        assert up.messages.get(timeout=10) == ("qpy/up", b"hello qos0")
        assert up.messages.get(timeout=10) == ("qpy/up", b"hello qos1")
        broker.publish("qpy/down", b"\x00binary\xff", qos=1)
        app.expect(r"^msg \(b'qpy/down', b'\\x00binary\\xff'\)$")
        broker.publish("qpy/down", "bye")
        app.expect(r"^sta_after -1$")
        assert app.wait(20) == 0
    finally:
        up.loop_stop()
        up.disconnect()


@pytest.mark.parametrize("runtime", ["micropython", "cpython"])
def test_reconnects_and_resubscribes(quecpython, tmp_path, runtime):
    broker = Broker(tmp_path)
    try:
        app = quecpython(None, runtime=runtime, files={"main.py": APP.format(rt="re", port=broker.port)})
        app.expect(r"^ready$")
        broker.stop()  # the server goes away under the client
        broker.start()  # and comes back on the same port
        app.expect(r"^event reconnect_start$", timeout=30)
        app.expect(r"^event reconnect_success$", timeout=30)
        broker.publish("qpy/down", "again", qos=1)  # delivered only if it resubscribed
        app.expect(r"^msg \(b'qpy/down', b'again'\)$")
    finally:
        broker.stop()


def test_connect_failures_are_value_errors(board, tmp_path):
    from conftest import free_port

    r = board.run(f"""
from umqtt import MQTTClient
c = MQTTClient('x', '127.0.0.1', {free_port()})
print('refused', err(c.connect))
print('keepalive', err(MQTTClient, 'x', '127.0.0.1', 1883, None, None, 3))
print('port', (MQTTClient('x', 'h').port, MQTTClient('x', 'h', ssl=True).port))
""")
    assert r.code == 0, r
    kind, _, text = r.value("refused")
    assert kind == "ValueError" and text.startswith("MQTT Connect error='111' FAIL"), r
    assert r.value("keepalive")[0] == "ValueError"
    assert r.value("port") == (1883, 8883)


@pytest.mark.parametrize("runtime", ["micropython", "cpython"])
def test_check_msg_does_not_block(quecpython, broker, runtime):
    app = quecpython(None, runtime=runtime, files={"main.py": f"""
from umqtt import MQTTClient
c = MQTTClient('cm', '127.0.0.1', {broker.port})
got = []
c.set_callback(lambda t, m: got.append(m))
c.connect()
c.subscribe('qpy/cm')
print('empty', c.check_msg())
print('ready')
import utime
while not got:      # the app's own loop: check, then do other work
    c.check_msg()
    utime.sleep_ms(50)
print('msg', got[0])
"""})
    app.expect(r"^empty None$")
    app.expect(r"^ready$")
    broker.publish("qpy/cm", "polled")
    app.expect(r"^msg b'polled'$")


@pytest.mark.parametrize("runtime", ["micropython", "cpython"])
def test_threads_share_one_client(quecpython, broker, runtime):
    """One thread waits for messages while others publish QoS 1 and subscribe:
    every PUBACK and SUBACK reaches the thread that waits for it, no packet is
    torn, nothing reconnects."""
    app = quecpython(None, runtime=runtime, files={"main.py": f"""
from umqtt import MQTTClient
import _thread, utime
got = []
c = MQTTClient('设备-{runtime}', '127.0.0.1', {broker.port})
c.set_callback(lambda t, m: got.append((t, m)))
c.error_register_cb(lambda e: print('event', e))
c.connect()
c.subscribe('qpy/温度/0')

def reader():
    while c.timerFlag:
        c.wait_msg()
_thread.start_new_thread(reader, ())
done = []
lock = _thread.allocate_lock()

def worker(n):
    ok = 0
    for i in range(20):
        ok += c.publish('qpy/温度/0', 'w%d-%d' % (n, i), qos=1)
    c.subscribe('qpy/温度/%d' % (n + 1), 1)
    ok += c.publish('qpy/温度/%d' % (n + 1), 'after-sub', qos=1)
    with lock:
        done.append(ok)

for n in range(3):
    _thread.start_new_thread(worker, (n,))
while len(done) < 3:
    utime.sleep_ms(20)
print('acks', sorted(done))
while len(got) < 63:
    utime.sleep_ms(20)
print('got', len(got), len(set(got)))
c.disconnect()
"""})
    app.expect(r"^acks \[21, 21, 21\]$")
    app.expect(r"^got 63 63$")
    assert app.wait(20) == 0
    assert not [l for l in app.transcript if l.startswith("event")]


@pytest.mark.parametrize("runtime", ["micropython", "cpython"])
def test_mqtt_over_tls(quecpython, tmp_path, runtime):
    from netservers import make_cert

    crt, key = make_cert(tmp_path)
    broker = Broker(tmp_path, tls=(crt, key))
    try:
        app = quecpython(None, runtime=runtime, files={"main.py": f"""
from umqtt import MQTTClient
c = MQTTClient('tls1', 'localhost', {broker.port}, ssl=True, ssl_params={{'ca': {crt.read_text()!r}}})
c.set_callback(lambda t, m: print('msg', m))
c.error_register_cb(lambda e: print('event', e))
print('connect', c.connect(), c.get_mqttsta())
c.subscribe('qpy/tls', 1)
print('pub', c.publish('qpy/tls', 'secret', qos=1))
print('ready')
while c.timerFlag:
    c.wait_msg()
"""}, net={"hosts": {"localhost": "127.0.0.1"}})
        app.expect(r"^connect 0 0$")
        # publish reads packets while it waits for its PUBACK: the message may come first
        app.expect_all([r"^pub True$", r"^msg b'secret'$"])
        app.expect(r"^ready$")
        broker.stop()
        broker.start()
        app.expect(r"^event reconnect_start$", timeout=30)
        app.expect(r"^event reconnect_success$", timeout=30)
        broker.publish("qpy/tls", "again", qos=1)
        app.expect(r"^msg b'again'$")
    finally:
        broker.stop()


@pytest.mark.parametrize("runtime", ["micropython", "cpython"])
def test_unanswered_pings_reconnect(quecpython, runtime):
    silent = SilentBroker()
    try:
        app = quecpython(None, runtime=runtime, files={"main.py": f"""
from umqtt import MQTTClient
c = MQTTClient('ka', '127.0.0.1', {silent.port}, keepalive=5)
c.set_callback(print)
c.error_register_cb(lambda e: print('event', e))
print('connect', c.connect())
while True:
    c.wait_msg()    # blocked on a link that answers nothing
"""})
        app.expect(r"^connect 0$")
        app.expect(r"^event reconnect_start$", timeout=40)
        app.expect(r"^event reconnect_success$", timeout=40)
        assert silent.connects == 2
    finally:
        silent.stop()


def test_a_client_that_only_publishes_stays_connected(quecpython, broker):
    """Nobody calls wait_msg: the keepalive thread takes the PINGRESPs itself."""
    app = quecpython(None, files={"main.py": f"""
from umqtt import MQTTClient
import utime
c = MQTTClient('pub-only', '127.0.0.1', {broker.port}, keepalive=5)
c.error_register_cb(lambda e: print('event', e))
c.connect()
ok = 0
for i in range(12):
    utime.sleep(1)
    ok += c.publish('qpy/po', str(i), qos=1)
print('published', ok, c.get_mqttsta())
c.disconnect()
"""})
    app.expect(r"^published 12 0$", timeout=40)
    assert app.wait(20) == 0
    assert not [l for l in app.transcript if l.startswith("event")]
