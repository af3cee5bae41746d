"""The application note's programs (as in examples/) run unchanged
over each simulated serial modem on the micropython unix port: the board
config's stack section alone picks the modem."""

import re

from conftest import EXAMPLES
from modemkit import FAST, simulator, stack
from qpyshim import standins


def fast(dialect):
    """--modem runs with the dialect's test options (a 50 ms +++ guard
    where it has one, not the modem's 1 s): the examples' traffic, not the
    escape pacing, is what these tests look at."""
    return {"stack": dict(FAST.get(dialect, {}))}


GET_IP = r"b'GET / HTTP/1.1\r\nHost: 36.152.44.95:80\r\nConnection: close\r\n\r\n'"


def test_tcp_client_over_a_modem_named_in_the_config(dialect, mboard):
    # The simulator is started here, as a user would start `qpyshim modem`;
    # the app learns of it only from the config's stack section.
    with standins.KINDS["http"]() as web, simulator(dialect, cfg={"endpoints": {"36.152.44.95:80": web.address}}) as sim:
        r = mboard.run(path=EXAMPLES / "tcp_client_ip.py", net=stack(sim), timeout=60)
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
    assert "</html>" in r.out and r.lines[-1] == "tcp disconnected.", r


def test_tcp_client_with_dns_over_the_modem(dialect, mboard):
    r = mboard.run(path=EXAMPLES / "tcp_client_dns.py", args=("--modem", dialect), net=fast(dialect), timeout=60)
    assert r.code == 0, r
    assert "DNS for www.baidu.com: 36.152.44.95" in r.lines, r
    assert "</html>" in r.out and r.lines[-1] == "tcp disconnected.", r


def test_threaded_tcp_server_and_client_over_the_modem(dialect, mboard):
    app = mboard.start(path=EXAMPLES / "tcp_server_and_client.py", args=("--modem", dialect), net=fast(dialect))
    try:
        app.expect(r"^\[net\] Network connection successful\.$", timeout=60)
        m = app.expect(r"^\[server\] bind address: ([\d.]+), 80$")
        ip = re.escape(m.group(1))
        app.expect(rf"^\[client\] connecting: {ip}, 80$")
        app.expect(rf"^\[server\] accept a client: [\d.]+, \d+$")
        for _ in range(3):
            app.expect(r"^\[client\] recv data: b'1234567890'$")
        assert any(re.match(r"^\[server\] \[client addr: [\d.]+, \d+\] recv data: b'1234567890'$", ln)
                   for ln in app.seen), app.seen
    finally:
        app.kill()  # the programs run until stopped; stopping by Ctrl-C is test_examples.py's to check


def test_udp_server_and_client_over_the_modem(dialect, mboard):
    app = mboard.start(path=EXAMPLES / "udp_server_and_client.py", args=("--modem", dialect), net=fast(dialect))
    try:
        app.expect(r"^\[net\] Network connection successful\.$", timeout=60)
        m = app.expect(r"^\[server\] bind address: ([\d.]+), 80$")
        ip = re.escape(m.group(1))
        for _ in range(2):
            app.expect(rf"^\[server\] \[client addr: \('[\d.]+', \d+\)\] recv data: b'1234567890'$")
            app.expect(rf"^\[client\] \[server addr: \('{ip}', 80\)\] recv data: b'1234567890'$")
    finally:
        app.kill()  # the programs run until stopped; stopping by Ctrl-C is test_examples.py's to check
