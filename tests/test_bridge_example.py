"""The example UART <-> TCP bridge (examples/uart_tcp_bridge), driven the way a
user's CI would: through the `quecpython` pytest fixture, its serial side on
a pty and its TCP server on loopback."""

import os
import re
import socket

import pytest

from conftest import EXAMPLES, free_port

BRIDGE = EXAMPLES / "uart_tcp_bridge"


def _config(port):
    return {"uart": {"port": 2, "baudrate": 115200, "databits": 8, "parity": 0, "stopbits": 1,
                     "flowctl": 0},
            "server": {"port": port}}


def _connect(app, port):
    # the bridge listens on the board's data call: in its own loopback block
    c = socket.create_connection((app.block.ip(1), port), timeout=10)
    c.settimeout(10)
    return c


def _recv_exactly(sock, n):
    out = b""
    while len(out) < n:
        chunk = sock.recv(n - len(out))
        if not chunk:
            break
        out += chunk
    return out


@pytest.mark.parametrize("runtime", ["micropython", "cpython"])
def test_bridge_both_ways(quecpython, runtime):
    port = free_port()
    app = quecpython(BRIDGE, runtime=runtime, uarts=[2], files={"dtu_config.json": _config(port)})
    app.expect(r"bridge: listening on %s:%d" % (re.escape(app.block.ip(1)), port))
    with _connect(app, port) as a, _connect(app, port) as b:
        app.expect(r"client 127\.0\.0\.1:\d+ connected")
        app.expect(r"client 127\.0\.0\.1:\d+ connected")
        # serial -> every client
        app.uart(2).write(b"sensor=42\r\n")
        assert _recv_exactly(a, 11) == b"sensor=42\r\n"
        assert _recv_exactly(b, 11) == b"sensor=42\r\n"
        # a client -> serial, bytes intact, beyond one read's worth
        blob = os.urandom(5000)
        a.sendall(blob)
        assert app.uart(2).read_until(blob[-64:], timeout=10) == blob
        b.sendall(b"AT+PING\r\n")
        assert app.uart(2).read_until(b"\r\n") == b"AT+PING\r\n"


def test_bridge_survives_a_data_call_drop(quecpython):
    port = free_port()
    app = quecpython(BRIDGE, uarts=[2], files={"dtu_config.json": _config(port)})
    app.expect(r"listening on")
    with _connect(app, port) as c:
        app.expect(r"connected")
        app.set_modem_fun(4)  # airplane mode: the data call goes
        app.expect(r"WARN:DTU:data call 1 is down")
        with pytest.raises(ConnectionResetError):  # lwIP aborts the connection on the lost address
            c.recv(16)
        app.set_modem_fun(1)
        app.expect(r"WARN:DTU:data call 1 is up")
    # the listener survived, as lwIP keeps it; a new client gets through
    with _connect(app, port) as c:
        app.expect(r"connected")
        app.uart(2).write(b"back\n")
        assert _recv_exactly(c, 5) == b"back\n"
