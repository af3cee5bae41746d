"""The desktop board's virtual network: host and endpoint maps, privileged
ports moved out of the way invisibly, and nothing leaves loopback."""

import socket
import socketserver
import threading

import pytest

from conftest import free_port


def test_user_host_map(board):
    r = board.run("""
import usocket
print('ai', usocket.getaddrinfo('My.Server.example', 1883)[0][-1])
""", net={"hosts": {"my.server.example": "127.0.0.7"}})
    assert r.code == 0, r
    assert r.value("ai") == ("127.0.0.7", 1883)


def test_endpoint_map_tcp(board, peer_server):
    port = peer_server.server_address[1]
    r = board.run("""
import usocket
s = usocket.socket()
s.settimeout(10)
s.connect(('203.0.113.7', 4000))
print('greet', s.recv(64))
""", net={"endpoints": {"203.0.113.7:4000": "127.0.0.1:%d" % port}})
    assert r.code == 0, r
    assert r.value("greet").startswith(b"peer=127.0.0.1:"), r


class _UdpEcho(socketserver.BaseRequestHandler):
    def handle(self):
        data, sock = self.request
        sock.sendto(data.upper(), self.client_address)


@pytest.fixture
def udp_echo():
    srv = socketserver.ThreadingUDPServer(("127.0.0.1", 0), _UdpEcho)
    threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield srv
    srv.shutdown()
    srv.server_close()


def test_endpoint_map_udp_reply_comes_from_the_public_address(board, udp_echo):
    r = board.run("""
import usocket
s = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM, usocket.IPPROTO_UDP)
s.settimeout(10)
s.sendto(b'query', ('198.51.100.9', 53))
print('reply', s.recvfrom(64))
""", net={"endpoints": {"198.51.100.9:53": "127.0.0.1:%d" % udp_echo.server_address[1]}})
    assert r.code == 0, r
    assert r.value("reply") == (b"QUERY", ("198.51.100.9", 53))


def test_whole_host_map(board):
    srv = socket.socket()
    srv.bind(("127.0.0.9", 0))
    srv.listen(1)
    srv.settimeout(10)
    port = srv.getsockname()[1]
    try:
        r = board.run("""
import usocket
s = usocket.socket()
s.settimeout(10)
s.connect(('203.0.113.8', %d))
print('sent', s.send(b'hi'))
""" % port, net={"endpoints": {"203.0.113.8": "127.0.0.9"}})
        conn, _ = srv.accept()
        conn.settimeout(10)
        assert conn.recv(2) == b"hi"
        conn.close()
    finally:
        srv.close()
    assert r.code == 0, r


def test_privileged_port_offset(board):
    real = free_port()
    offset = real - 80
    app = board.start("""
import usocket
srv = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, usocket.IPPROTO_TCP_SER)
srv.bind(('127.0.0.1', 80))
srv.listen(2)
print('listening')
conn, ip, port = srv.accept()
conn.send(b'served on 80')
conn.close()
c = usocket.socket()
c.settimeout(10)
c.connect(('127.0.0.1', 80))
conn, ip, port = srv.accept()
print('in-app client reached port 80')
""", net={"ports": {"remap_privileged": "always", "offset": offset}})
    try:
        app.expect("^listening$")
        with socket.create_connection(("127.0.0.1", real), timeout=10) as s:
            assert s.recv(64) == b"served on 80"
        app.expect("^in-app client reached port 80$")
    finally:
        code = app.wait(30)
    assert code == 0, app.stderr
    assert "127.0.0.1:80 is served at 127.0.0.1:%d" % real in app.stderr


def test_non_loopback_is_blocked_with_a_hint(board):
    r = board.run("""
import usocket
s = usocket.socket()
s.settimeout(5)
print('tcp', err(s.connect, ('203.0.113.5', 80)))
u = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM)
print('udp', err(u.sendto, b'x', ('198.51.100.1', 53)))
print('state', s.getsocketsta())
""", netns=True)
    assert r.code == 0, r
    for key in ("tcp", "udp"):
        kind, n, text = r.value(key)
        assert (kind, n) == ("OSError", 113) and "EHOSTUNREACH" in text, r
    assert r.value("state") == 0, r
    assert 'blocked 203.0.113.5:80' in r.err and '"endpoints"' in r.err, r


def test_config_errors_are_reported(board, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    r = board.run("print(1)\n", args=("--net", str(bad)))
    assert r.code == 2 and "not valid JSON" in r.err, r
    r = board.run("print(1)\n", net={"datacall": {"profiles": {"1": {"ipv4": "10.0.0.5"}}}})
    assert r.code == 2 and "datacall.profiles.1.ipv4" in r.err and "loopback" in r.err, r
    r = board.run("print(1)\n", net={"endpoints": {"1.2.3.4:80": "192.0.2.1:80"}})
    assert r.code == 2 and "endpoints" in r.err, r


@pytest.mark.parametrize("section", [
    {"datacall": []}, {"ports": 5}, {"stand_ins": [1]}, {"nics": {"wifi": 3}},
    {"datacall": {"profiles": {"1": "x"}}}, {"sim": {"status": "ready"}},
    {"sim": {"pin": 1234}}, {"sim": {"pin_enabled": "yes"}}, {"net": {"modem_fun": 2}},
    {"net": {"csq": 40}}, {"net": {"operator": ["a", "b"]}}, {"net": {"signal": [[1, 2], []]}},
    {"cell": {"cid": -5}}, {"cell": {"cells": [[], []]}}, {"modem": {"imei": 866}},
    {"power": {"vbatt": "3.8V"}}, {"usbnet": {"type": 2}}, {"uart": {"two": "/dev/ttyS0"}},
    {"uart": {"2": 5}}, {"uart": []},
])
def test_config_sections_of_the_wrong_type(board, section):
    r = board.run("print(1)\n", net=section)
    assert r.code == 2 and "config error" in r.err and "Traceback" not in r.err, r
