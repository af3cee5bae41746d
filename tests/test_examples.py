"""Every program of Quectel's application note "UDP/TCP Network
Communication" (examples/README.md), run unchanged on the desktop board on
both runtimes and checked against the note's transcript."""

import re

import pytest

from conftest import EXAMPLES, serve_peer

GET_IP = r"b'GET / HTTP/1.1\r\nHost: 36.152.44.95:80\r\nConnection: close\r\n\r\n'"
GET_DNS = r"b'GET / HTTP/1.1\r\nHost: www.baidu.com:80\r\nConnection: close\r\n\r\n'"


def test_tcp_client_by_ip(board):
    r = board.run(path=EXAMPLES / "tcp_client_ip.py")
    assert r.code == 0, r
    assert r.lines[:6] == [
        "Network connection successful.",
        "socket object created.",
        "tcp link established: 36.152.44.95, 80",
        "<-- send data:",
        GET_IP,
        "--> recv data:",
    ], r
    assert r.lines[6].startswith("b'HTTP/1.1 200 OK"), r
    assert r.lines[-1] == "tcp disconnected.", r


def test_tcp_client_with_dns(board):
    r = board.run(path=EXAMPLES / "tcp_client_dns.py")
    assert r.code == 0, r
    assert r.lines[:7] == [
        "Network connection successful.",
        "socket object created.",
        "DNS for www.baidu.com: 36.152.44.95",
        "tcp link established.",
        "<-- send data:",
        GET_DNS,
        "--> recv data:",
    ], r
    assert "</html>" in r.out and r.lines[-1] == "tcp disconnected.", r


def _echo_rounds(app, rounds, server_lines=True):
    app.expect(r"^\[net\] Network connection successful\.$")
    app.expect(r"^\[server\] bind address: 127\.0\.0\.1, 80$")
    app.expect(r"^\[client\] connecting: 127\.0\.0\.1, 80$")
    m = app.expect(r"^\[server\] accept a client: 127\.0\.0\.1, (\d+)$")
    port = m.group(1)
    for _ in range(rounds):
        app.expect(r"^\[client\] recv data: b'1234567890'$")
    if server_lines:
        served = [ln for ln in app.seen if ln == f"[server] [client addr: 127.0.0.1, {port}] recv data: b'1234567890'"]
        assert len(served) >= rounds - 1, app.seen


def test_tcp_server_thread_per_client(board):
    app = board.start(path=EXAMPLES / "tcp_server_and_client.py")
    try:
        _echo_rounds(app, 3)
    finally:
        code = app.interrupt()
    assert code == 0, app.stderr


def test_make_run_app_three_rounds_then_exit(board):
    r = board.run(path=EXAMPLES / "echo_demo")
    assert r.code == 0, r
    assert r.lines.count("[client] recv data: b'1234567890'") == 3, r
    assert r.lines.count("[client] send data: b'1234567890'") == 3, r
    assert re.search(r"^\[server\] accept a client: 127\.0\.0\.1, \d+$", r.out, re.M), r
    assert "[client] disconnected." in r.lines, r


def test_udp_server_and_client(board):
    app = board.start(path=EXAMPLES / "udp_server_and_client.py")
    try:
        app.expect(r"^\[server\] bind address: 127\.0\.0\.1, 80$")
        for _ in range(2):
            app.expect(r"^\[server\] \[client addr: \('127\.0\.0\.1', \d+\)\] recv data: b'1234567890'$")
            # The reply comes from the remapped port; the app still sees port 80.
            app.expect(r"^\[client\] \[server addr: \('127\.0\.0\.1', 80\)\] recv data: b'1234567890'$")
    finally:
        code = app.interrupt()
    assert code == 0, app.stderr


def test_note_verbatim_main_code_fails_as_on_the_module(board):
    r = board.run(path=EXAMPLES / "note_verbatim" / "tcp_server_and_client.py")
    assert r.code == 1, r
    assert "NameError" in r.err and "udp_server" in r.err, r
    assert r.lines == ["[net] Network connection successful."], r


@pytest.fixture
def peer_server():
    """conftest's peer (greets with the client's address, then echoes), but
    it closes once the request ends ("Connection: close"), as the note's
    server does, instead of after 10 s of silence: the examples read to the end."""
    with serve_peer(until=b"\r\n\r\n") as srv:
        yield srv


def _bound_client(board, app, peer_server, nic_ip):
    net = {"endpoints": {"36.152.44.95:80": "127.0.0.1:%d" % peer_server.server_address[1]}}
    r = board.run(path=app, net=net)
    assert r.code == 0, r
    assert "DNS for www.baidu.com: 36.152.44.95" in r.lines, r
    assert peer_server.peers and peer_server.peers[0][0] == nic_ip, (peer_server.peers, r)
    assert f"peer={nic_ip}:{peer_server.peers[0][1]}" in r.out, r
    assert r.lines[-1] == "tcp disconnected.", r
    return r


def test_ethernet_nic_bind(board, peer_server):
    r = _bound_client(board, EXAMPLES / "multi_nic_ethernet_bind.py", peer_server, "127.0.0.4")
    assert "W5500 ethernet nic created." in r.lines
    assert "get ip_conf: [('12-34-56-78-9A-BC', 'W5500'), (4, '127.0.0.4', '255.0.0.0', '127.0.0.1', '127.0.0.53', '127.0.0.54')]" in r.lines, r


def test_wifi_nic_bind(board, peer_server):
    r = _bound_client(board, EXAMPLES / "multi_nic_wifi_bind", peer_server, "127.0.0.5")
    assert "get ip_conf: ('127.0.0.5', '255.0.0.0', '127.0.0.1', 1500, '8.8.8.8', '114.114.114.114')" in r.lines, r


def test_ethernet_default_nic(board):
    r = board.run(path=EXAMPLES / "multi_nic_ethernet_default.py")
    assert r.code == 0, r
    assert r.lines == [
        "W5500 ethernet nic created.",
        "DHCP enabled.",
        "get ip_conf: [('12-34-56-78-9A-BC', 'W5500'), (4, '127.0.0.4', '255.0.0.0', '127.0.0.1', '127.0.0.53', '127.0.0.54')]",
        "W5500 is set as default nic.",
        "Ethernet nic enabled.",
    ], r


def test_wifi_default_nic(board):
    r = board.run(path=EXAMPLES / "multi_nic_wifi_default")
    assert r.code == 0, r
    assert r.lines[-1] == "Wi-Fi is set as default NIC.", r


def test_default_nic_is_where_clients_leave_from(board, peer_server):
    port = peer_server.server_address[1]
    r = board.run("""
import ethernet, usocket
eth = ethernet.W5500(b'\\x12\\x34\\x56\\x78\\x9a\\xbc','','','',-1,38,36,37, 0)
eth.dhcp()
print('set', eth.set_default_NIC(eth.ipconfig()[1][1]))
s = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, usocket.IPPROTO_TCP)
s.settimeout(10)
s.connect(('127.0.0.1', %d))
print('greeting', s.recv(64))
s.close()
""" % port)
    assert r.code == 0, r
    assert r.value("set") == 0
    assert r.value("greeting").startswith(b"peer=127.0.0.4:"), r


ALL = sorted(
    [p for p in EXAMPLES.glob("*.py")]
    + [p for p in EXAMPLES.iterdir() if (p / "main.py").is_file()]
    + [EXAMPLES / "note_verbatim" / "tcp_server_and_client.py"]
)


@pytest.mark.parametrize("example", ALL, ids=[str(p.relative_to(EXAMPLES)) for p in ALL])
def test_every_example_runs_for_a_duration(board, example):
    """`qpyshim run EXAMPLE --duration 5` ends by itself with the right status."""
    if example.name == "uart_tcp_bridge":
        # its serial port on a pty; its fixed server port in a namespace of its own
        r = board.run(path=example, args=("--duration", "5", "--uart", "2"), timeout=60, netns=True)
    else:
        r = board.run(path=example, args=("--duration", "5"), timeout=60)
    expected = 1 if example.parent.name == "note_verbatim" else 0
    assert r.code == expected, r
    assert "Traceback" not in r.err or expected == 1, r
