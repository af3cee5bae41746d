"""While a data call is down the module has no address for it: a connection
to a listener bound there (or to the wildcard, which on the desktop board
sits at the data call's address) is reset at once and the app's accept()
never sees it; when the call comes back, connections are served again.

Sources: QuecPython docs API_reference/en/iotlib/dataCall.md (a dropped
call takes its IP address away: getInfo reads 0.0.0.0), lwIP
src/core/tcp.c tcp_netif_ip_addr_changed (pcbs on an address that goes are
aborted), QuecPython docs API_reference/en/stdlib/usocket.md (accept ->
(conn, ip, port)). All traffic here is to loopback: the board's data call
is in its own loopback block (127.B.C.1)."""

import re
import socket

import pytest

from conftest import RUNTIMES, free_port

APP = """
import usocket, _thread, dataCall
ip = dataCall.getInfo(1, 0)[2][2]
srv = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM)
srv.bind((ip if %r else '0.0.0.0', %d))
srv.listen(4)
n = 0
def serve():
    global n
    while True:
        c, pip, pport = srv.accept()
        n += 1
        print('accepted', n)
        c.send(b'served %%d' %% n)
        c.close()
_thread.start_new_thread(serve, ())
print('listening', ip)
"""


def _ask(ip, port):
    """Connect to the app and read its greeting, or "reset" when refused (the
    reset may reach the client while its connect is still returning)."""
    try:
        with socket.create_connection((ip, port), timeout=10) as c:
            c.settimeout(10)
            return c.recv(64)
    except ConnectionResetError:
        return "reset"


@pytest.mark.parametrize("runtime", RUNTIMES)
@pytest.mark.parametrize("where", ["data call", "0.0.0.0"])
def test_no_connection_while_the_data_call_is_down(quecpython, runtime, where):
    port = free_port()
    app = quecpython(None, runtime=runtime, files={"main.py": APP % (where == "data call", port)})
    ip = app.block.ip(1)  # the data call's address, where the wildcard sits too
    app.expect(r"^listening %s$" % re.escape(ip))
    assert _ask(ip, port) == b"served 1"
    app.expect(r"^accepted 1$")
    app.drop_data_call(1)
    for _ in range(3):
        # reset on arrival: never served
        assert _ask(ip, port) == "reset"
    app.expect(r"^qpyshim: refused a connection to %s: its data call is down$" % re.escape(ip))
    app.restore_data_call(1)
    assert _ask(ip, port) == b"served 2"  # the listener survived, and saw none of the three
    app.expect(r"^accepted 2$")
    assert "accepted 3" not in app.transcript
