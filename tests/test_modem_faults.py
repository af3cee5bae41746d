"""Each driver against its simulator's faults: a dropped connection, a
refused connect and listen, a garbled reply, the data context lost and a
modem restart mid-connection. Each surfaces as the documented error, and
the driver carries on (the app connects again) afterwards."""

import pytest

from modemkit import DROP_ERRNO, LISTEN_REFUSED_ERRNO, REFUSED_ERRNO, simulator, stack


CONNECT = '''
import usocket, checkNet, utime, dataCall
print("net", checkNet.waitNetworkReady(30))
def connect(port):
    s = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM)
    s.settimeout(20)
    s.connect(("127.0.0.1", port))
    return s
def talk(s, what=b"ping"):
    s.send(what)
    got = b""
    while len(got) < len(what):
        got += s.recv(64)
    return got
'''


def test_a_dropped_connection_raises_on_recv(dialect, mboard, peer_server):
    port = peer_server.server_address[1]
    with simulator(dialect) as sim:
        app = mboard.start(CONNECT + f'''
s = connect({port})
print("greeting", s.recv(64))
print("ready")
print("recv", err(s.recv, 64))
s.close()
''', net=stack(sim))
        try:
            app.expect(r"^net \(3, 1\)$", timeout=60)
            app.expect(r"^greeting b'peer=")
            app.expect(r"^ready$")
            sim.fault("drop")
            m = app.expect(r"^recv (.*)$")
        finally:
            app.kill()
    assert m.group(1).startswith(f"('OSError', {DROP_ERRNO[dialect]},"), m.group(1)


def test_a_refused_connect_then_a_good_one(dialect, mboard, peer_server):
    from conftest import free_port

    closed = free_port()
    with simulator(dialect) as sim:
        r = mboard.run(CONNECT + f'''
print("refused", err(connect, {closed}))
s = connect({peer_server.server_address[1]})
print("after", s.recv(64)[:5])
s.close()
''', net=stack(sim), timeout=60)
    assert r.code == 0, r
    assert r.value("refused")[:2] == ("OSError", REFUSED_ERRNO[dialect]), r
    assert r.value("after") == b"peer=", r


def test_a_refused_listen_then_a_good_one(dialect, mboard):
    with simulator(dialect, faults=("refuse-listen",)) as sim:
        r = mboard.run(CONNECT + '''
def serve(port):
    s = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, usocket.IPPROTO_TCP_SER)
    s.bind(("", port))
    s.listen(2)
    return s
print("refused", err(serve, 8123))
l = serve(8124)
c = connect(8124)
conn, ip, port = l.accept()
c.send(b"hi")
print("served", conn.recv(8))
''', net=stack(sim), timeout=60)
    assert r.code == 0, r
    assert r.value("refused")[:2] == ("OSError", LISTEN_REFUSED_ERRNO[dialect]), r
    assert r.value("served") == b"hi", r


def test_a_garbled_reply_costs_one_call_at_most(dialect, mboard, peer_server):
    port = peer_server.server_address[1]
    with simulator(dialect) as sim:
        app = mboard.start(CONNECT + f'''
print("ready")
ok = 0
for i in range(4):
    try:
        s = connect({port})
        s.recv(64)
        print("talk", talk(s))
        s.close()
        ok += 1
    except OSError as e:
        print("failed", e.args[0])
print("ok", ok)
''', net=stack(sim, command_timeout_ms=1000))
        try:
            app.expect(r"^ready$", timeout=60)
            sim.fault("garble")
            m = app.expect(r"^ok (\d)$", timeout=60)
        finally:
            app.kill()
    assert int(m.group(1)) >= 3, app.seen


@pytest.mark.parametrize("fault", ["lose-context", "restart"])
def test_the_driver_recovers(dialect, mboard, peer_server, fault):
    port = peer_server.server_address[1]
    with simulator(dialect) as sim:
        app = mboard.start(CONNECT + f'''
events = []
dataCall.setCallback(lambda args: events.append(args[1]))
s = connect({port})
s.recv(64)
print("ready")
print("recv", err(s.recv, 64))
s.close()
for i in range(60):
    try:
        s = connect({port})
        break
    except OSError as e:
        utime.sleep_ms(500)  # the app's own retry, as QuecPython apps do
print("greeting again", s.recv(64)[:5])
print("talk", talk(s))
print("events", events)
''', net=stack(sim))
        try:
            app.expect(r"^ready$", timeout=60)
            sim.fault(fault)
            m = app.expect(r"^recv (.*)$")
            app.expect(r"^greeting again b'peer='$", timeout=60)
            app.expect(r"^talk b'ping'$")
            ev = app.expect(r"^events (.*)$")
        finally:
            app.kill()
    assert m.group(1).startswith("('OSError', 103,"), m.group(1)
    assert eval(ev.group(1))[:2] == [0, 1], ev.group(1)  # the data call dropped, then came back


def test_xbee_reset_status_frame_on_micropython(mboard, peer_server):
    """Issue 14: one valid 0x8A "hardware reset" Modem Status frame (Digi,
    XBee Cellular User Guide 90002258, "Modem Status - 0x8A") left every
    later connect failing with 113. The app on the micropython unix port,
    through usocket, sees the data call drop and then connects again."""
    from shim._xbee import encode

    port = peer_server.server_address[1]
    with simulator("xbee") as sim:
        app = mboard.start(CONNECT + f'''
import _thread
def cb(args):
    print("call", args[1])
dataCall.setCallback(cb)
s = connect({port})
s.recv(64)
s.close()
print("ready")
for i in range(120):
    utime.sleep_ms(250)  # the app's own retry pace, as QuecPython apps poll
    try:
        s = connect({port})
        s.recv(64)
        print("talk", talk(s))
        s.close()
    except OSError as e:
        print("fail", e.args[0])
''', net=stack(sim))
        try:
            app.expect(r"^ready$", timeout=60)
            sim.later(lambda: sim.send(encode(b"\x8a\x00")))
            app.expect(r"^call 0$", timeout=30)  # the reset reached the app: the link went down
            app.expect(r"^talk b'ping'$", timeout=40)  # and came back for a fresh socket
        finally:
            app.kill()
    assert not sim.errors and not sim.bad, (sim.errors, sim.bad)
