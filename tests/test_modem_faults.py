"""Each driver against its simulator's faults: a dropped connection, a
refused connect and listen, a garbled reply, the data context lost and a
modem restart mid-connection. Each surfaces as the documented error, and
the driver carries on (the app connects again) afterwards."""

import pytest

from modemkit import CONNECT, DROP_ERRNO, LISTEN_REFUSED_ERRNO, REFUSED_ERRNO, simulator, stack


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
