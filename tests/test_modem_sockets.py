"""QuecPython's socket API over each simulated modem: getsocketsta through a
connection's life, dataCall and checkNet reporting the modem's bring-up,
the modem's socket limit, and umqtt against mosquitto through the modem."""

from modemkit import simulator, stack
from netservers import Broker
from qpyshim import dialects


def test_socket_states_and_the_data_call(dialect, mboard, peer_server):
    with simulator(dialect, ip="127.0.0.1") as sim:
        r = mboard.run(f'''
import usocket, checkNet, dataCall, utime
print("net", checkNet.waitNetworkReady(30))
info = dataCall.getInfo(1, 0)
print("active", (info[2][0], info[2][2]))
s = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM)
print("new", s.getsocketsta())
s.settimeout(10)
s.connect(("127.0.0.1", {peer_server.server_address[1]}))
print("connected", s.getsocketsta())
s.recv(64)
s.send(b"bye")
got = b""
while len(got) < 3:
    got += s.recv(8)
print("echo", got)
s.close()
print("closed", s.getsocketsta())
l = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, usocket.IPPROTO_TCP_SER)
l.bind(("", 8125))
l.listen(1)
print("listening", l.getsocketsta())
c = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM)
c.settimeout(10)
c.connect((info[2][2], 8125))
conn, ip, port = l.accept()
print("accepted", (conn.getsocketsta(), ip == info[2][2] or ip.startswith("127."), 0 < port < 65536))
c.close()
print("peer gone", err(conn.recv, 8)[:2])
print("after", conn.getsocketsta())
conn.close()
l.close()
''', net=stack(sim), timeout=60)
    assert r.code == 0, r
    assert r.value("net") == (3, 1) and r.value("active") == (1, "127.0.0.1"), r
    assert r.value("new") == 0 and r.value("connected") == 4 and r.value("echo") == b"bye", r
    assert r.value("listening") == 1 and r.value("accepted") == (4, True, True), r
    assert r.value("peer gone") == ("OSError", 107), r  # QuecPython raises on the peer's end
    assert r.value("after") in (0, 7), r


def test_the_modems_socket_limit(dialect, mboard, peer_server):
    n = dialects.get(dialect).sockets  # TCP client sockets the modem holds at once
    with simulator(dialect) as sim:
        r = mboard.run(f'''
import usocket, checkNet
checkNet.waitNetworkReady(30)
held = []
def one():
    s = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM)
    s.settimeout(10)
    try:
        s.connect(("127.0.0.1", {peer_server.server_address[1]}))
    except OSError:
        s.close()
        raise
    held.append(s)
for i in range({n}):
    one()
print("held", len(held))
print("one more", err(one)[:2])
held.pop().close()
one()
print("after a close", len(held))
''', net=stack(sim), timeout=60)
    assert r.code == 0, r
    assert r.value("held") == n and r.value("one more") == ("OSError", 23), r
    assert r.value("after a close") == n, r


def test_umqtt_through_the_modem(dialect, mboard, tmp_path):
    broker = Broker(tmp_path)
    try:
        with simulator(dialect) as sim:
            r = mboard.run(f'''
import checkNet
from umqtt import MQTTClient
checkNet.waitNetworkReady(30)
got = []
c = MQTTClient("qpy-{dialect}", "127.0.0.1", {broker.port}, keepalive=30)
c.set_callback(lambda t, m: got.append((t, m)))
c.connect()
c.subscribe(b"modem/{dialect}")
c.publish(b"modem/{dialect}", b"through the modem")
while not got:
    c.wait_msg()
print("got", got)
c.disconnect()
''', net=stack(sim), timeout=60)
    finally:
        broker.stop()
    assert r.code == 0, r
    assert r.value("got") == [(f"modem/{dialect}".encode(), b"through the modem")], r


def test_close_wakes_a_blocked_recv_and_frees_the_socket(dialect, mboard, peer_server):
    # A reader thread blocked in recv, the main thread closing the socket to
    # stop it (as on lwIP: the recv raises); and sockets made and closed in a
    # loop leave no descriptors behind.
    with simulator(dialect) as sim:
        r = mboard.run(f'''
import usocket, checkNet, _thread, utime
from shim._ports import port
checkNet.waitNetworkReady(30)
def connect():
    s = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(("127.0.0.1", {peer_server.server_address[1]}))
    s.recv(64)
    s.settimeout(None)
    return s
s = connect()
got = []
def reader():
    got.append(err(s.recv, 64))
_thread.start_new_thread(reader, ())
utime.sleep_ms(300)  # let it block (if it has not, recv raises at once all the same)
s.close()
for i in range(100):
    if got:
        break
    utime.sleep_ms(50)
print("woken", got[0][:2] if got else None)
before = port.fd_count()
for i in range(20):
    connect().close()
print("fds", port.fd_count() - before)
''', net=stack(sim), timeout=60)
    assert r.code == 0, r
    assert r.value("woken") == ("OSError", 9), r
    assert r.value("fds") <= 2, r
