"""The errors an app sees, per port: one QuecPython app meets each socket
situation below (a timed-out recv/accept/connect, a non-blocking would-block,
a refused connect, a bind to a port in use, a send on a socket never
connected, a recv after the peer's reset) and prints the errno it caught.
Every port the shim runs on (the unix port, CPython, the ESP32 stand-ins) has
its expected table; the app's numbers are QuecPython's on all of them. On the
ESP32 stand-ins the test also reads what the board's own socket raised
(tests/esp32/esp32_socket.py records it): newlib's numbers, where
ports/esp32/modsocket.c raises them (boards/esp32/README.md, "Errors as the
board raises them")."""

import socket
import struct
import threading

import pytest

from conftest import PRELUDE, free_port
from esp32_board import layout, run
from qpyshim import paths, standincheck

# QuecPython's numbers: what an app compares e.args[0] with.
QUECPYTHON = {
    "recv_timeout": 110, "accept_timeout": 110, "connect_timeout": 110,
    "recv_wouldblock": 11, "accept_wouldblock": 11, "connect_nonblocking": 115,
    "connect_refused": 111, "bind_in_use": 98, "send_unconnected": 107, "recv_after_reset": 104,
}
# What the app sees, per port: the same table on each.
EXPECTED = {"micropython": QUECPYTHON, "cpython": QUECPYTHON, "esp32": QUECPYTHON}
# What the ESP32's own socket raised underneath (the last native error of
# each situation), as modsocket.c raises it: newlib's numbers.
ESP32_NATIVE = {
    "recv_timeout": 116,  # _socket_read_data: MP_ETIMEDOUT after the retries
    "accept_timeout": 116,  # socket_accept: MP_ETIMEDOUT
    "connect_timeout": 116,  # socket_connect: select() ran out, ETIMEDOUT
    "recv_wouldblock": 11,  # _socket_read_data: MP_EWOULDBLOCK (retries == 0)
    "accept_wouldblock": 11,  # socket_accept: MP_EAGAIN
    "connect_nonblocking": 119,  # lwip_connect's EINPROGRESS
    "connect_refused": 104,  # SO_ERROR after the peer's RST: ECONNRESET
    "bind_in_use": 112,  # lwip_bind: ERR_USE -> EADDRINUSE
    "send_unconnected": 128,  # tcp_write: ERR_CONN -> ENOTCONN
    "recv_after_reset": 104,  # lwIP's pending ERR_RST -> ECONNRESET
}

APP = '''
import checkNet, usocket
checkNet.waitNetworkReady(10)
try:
    import esp32_socket  # the ESP32 stand-in: what the board's socket raised
    native = esp32_socket.raised
except ImportError:
    native = None
seen = {}

def situation(name, f, *a):
    before = len(native) if native is not None else 0
    e = err(f, *a)
    seen[name] = e[1] if e else None
    if native is not None:
        print("native", name, native[before:][-1][1] if native[before:] else None)

LP, FREE, RST = %d, %d, %d
srv = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM)
srv.bind(("127.0.0.1", LP))
srv.listen(5)
cli = usocket.socket()
cli.settimeout(10)
cli.connect(("127.0.0.1", LP))
srv.settimeout(10)
conn, ip, port = srv.accept()

conn.settimeout(0.2)
situation("recv_timeout", conn.recv, 10)
srv.settimeout(0.2)
situation("accept_timeout", srv.accept)
conn.setblocking(False)
situation("recv_wouldblock", conn.recv, 10)
srv.setblocking(False)
situation("accept_wouldblock", srv.accept)
nb = usocket.socket()
nb.setblocking(False)
situation("connect_nonblocking", nb.connect, ("127.0.0.1", LP))
again = usocket.socket()
situation("bind_in_use", again.bind, ("127.0.0.1", LP))
never = usocket.socket()
situation("send_unconnected", never.send, b"x")
refused = usocket.socket()
refused.settimeout(10)
situation("connect_refused", refused.connect, ("127.0.0.1", FREE))
victim = usocket.socket()
victim.settimeout(10)
victim.connect(("127.0.0.1", RST))
situation("recv_after_reset", victim.recv, 10)
for s in (cli, conn, nb, again, never, refused, victim, srv):
    s.close()  # the ESP32 has 10 sockets: the backlog below needs a few

# A listener that never accepts and has a full backlog drops new SYNs.
full = usocket.socket()
full.bind(("127.0.0.1", FREE))
full.listen(0)
held = []
for i in range(8):
    c = usocket.socket()
    c.settimeout(0.3)
    held.append(c)
    before = len(native) if native is not None else 0
    e = err(c.connect, ("127.0.0.1", FREE))
    if e:
        seen["connect_timeout"] = e[1]
        if native is not None:
            print("native", "connect_timeout", native[before:][-1][1] if native[before:] else None)
        break
print("seen", seen)
import uerrno, errno
print("uerrno", {n: getattr(uerrno, n) for n in ("ETIMEDOUT", "EAGAIN", "EINPROGRESS", "ECONNREFUSED",
                                                  "EADDRINUSE", "ENOTCONN", "ECONNRESET")})
print("errno", getattr(errno, "ETIMEDOUT"))  # `errno.X` is folded in by the compiler: the host's number
'''


class Resetter:
    """Accepts connections and resets each at once (SO_LINGER 0): the app's
    recv then meets the peer's RST."""

    def __init__(self):
        self.ls = socket.socket()
        self.ls.bind(("127.0.0.1", 0))
        self.ls.listen(4)
        self.port = self.ls.getsockname()[1]
        self.t = threading.Thread(target=self._run, daemon=True)
        self.t.start()

    def _run(self):
        while True:
            try:
                c, _ = self.ls.accept()
            except OSError:
                return
            c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            c.close()

    def close(self):
        try:
            self.ls.shutdown(socket.SHUT_RDWR)  # wakes the accept
        except OSError:
            pass
        self.ls.close()
        self.t.join(5)


@pytest.fixture
def resetter():
    r = Resetter()
    yield r
    r.close()


def _source(resetter):
    return APP % (free_port(), free_port(), resetter.port)


def _check(r, port):
    assert r.code == 0, r
    seen = r.value("seen")
    assert seen == EXPECTED[port], (port, seen, r)
    # what an app compares them with: `uerrno` has the numbers it was given
    u = r.value("uerrno")
    assert u == {"ETIMEDOUT": seen["recv_timeout"], "EAGAIN": seen["recv_wouldblock"],
                 "EINPROGRESS": seen["connect_nonblocking"], "ECONNREFUSED": seen["connect_refused"],
                 "EADDRINUSE": seen["bind_in_use"], "ENOTCONN": seen["send_unconnected"],
                 "ECONNRESET": seen["recv_after_reset"]}, r


@pytest.mark.parametrize("runtime", ["micropython", "cpython"])
def test_the_desktop_ports_raise_quecpythons_numbers(board, runtime, resetter):
    _check(board.run(_source(resetter)), runtime)


def test_the_esp32_board_raises_newlibs_and_the_app_sees_quecpythons(tmp_path, resetter):
    r = run(layout(tmp_path, PRELUDE + _source(resetter)))
    native = {line.split()[1]: eval(line.split()[2]) for line in r.lines if line.startswith("native ")}
    assert native == ESP32_NATIVE, r
    _check(r, "esp32")
    assert r.value("errno") == 116  # the board's own errno module keeps newlib's numbers


EVERY = '''
import checkNet, usocket, esp32_socket
checkNet.waitNetworkReady(10)
LP = %d
srv = usocket.socket()
srv.bind(("127.0.0.1", LP))
srv.listen(2)
srv.settimeout(10)
got = {}
for call in ("recv", "send"):
    for n in %r:
        cli = usocket.socket()
        cli.settimeout(10)
        cli.connect(("127.0.0.1", LP))
        conn = srv.accept()[0]
        esp32_socket.fail[call] = n
        e = err(conn.recv, 10) if call == "recv" else err(conn.send, b"x")
        got["%%s %%d" %% (call, n)] = e[1] if e else None
        conn.close()
        cli.close()
print("got", got)
'''


def test_every_number_in_the_esp32_table_reaches_the_app_as_quecpythons(tmp_path):
    # lwIP's errors loopback cannot produce, injected into the board's socket:
    # each comes out of usocket's recv and send as the table says.
    table = standincheck.port_errno()
    r = run(layout(tmp_path, PRELUDE + EVERY % (free_port(), sorted(table))))
    assert r.code == 0, r
    want = {"%s %d" % (call, n): q for call in ("recv", "send") for n, q in table.items()}
    assert r.value("got") == want, r


def test_the_shims_uerrno_is_quecpythons_table():
    # shim/uerrno.py, placed on an ESP32, against the table the checker holds
    # (py/mperrno.h's internal numbers, the module's).
    import ast

    consts = {n.targets[0].id: n.value.value for n in ast.parse((paths.SHIM / "uerrno.py").read_text()).body
              if isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant)}
    assert {k: v for k, v in consts.items() if k != "EWOULDBLOCK"} == standincheck.QUECPYTHON_ERRNO
