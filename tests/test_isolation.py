"""Boards side by side: each running board has a loopback block of its own
(127.B.C.0/24, qpyshim/loopblock.py) for its data calls, NICs, owned
addresses and remapped privileged ports, so two boards binding port 80 both
run, each client reaches its own server, and one board's server is reached
by another at the first board's address. The `quecpython` fixture gives
each app a block, under pytest-xdist too."""

import os
import re
import select
import signal
import subprocess
import sys

import pytest

from qpyshim import boardblock, loopblock
from qpyshim.testing import Result

# The setup: port 80 moved to 8080, on every board alike.
REMAP = {"ports": {"remap_privileged": "always", "offset": 8000}}

SELF_ECHO = """
import usocket, _thread, dataCall, checkNet, modem, utime
checkNet.waitNetworkReady(30)
me = dataCall.getInfo(1, 0)[2][2]
srv = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM)
srv.bind(('', 80))
srv.listen(2)
def serve():
    c, ip, port = srv.accept()
    c.send(b'imei=' + modem.getDevImei().encode())
    c.close()
_thread.start_new_thread(serve, ())
print('serving', me)
cl = usocket.socket()
cl.settimeout(10)
cl.connect((me, 80))
print('got', cl.recv(64))
cl.close()
print('done', 1)
utime.sleep(60)  # its server stays bound until the test stops it
"""


def _identity(imei):
    return dict(REMAP, modem={"imei": imei})


def _result(app):
    """The lines an app printed so far, as a Result (value() reads them)."""
    return Result(None, app.stdout, app.stderr)


def _served(app):
    return f"{app.block.ip(1)}:80 is served at {app.block.ip(1)}:8080 (privileged port remapped)"


def test_the_same_server_on_two_boards_side_by_side(quecpython):
    a = quecpython(None, runtime="micropython", files={"main.py": SELF_ECHO}, net=_identity("861111111111111"))
    a.expect_all([r"^done 1$", re.escape(_served(a))])  # its server is up, and stays up
    b = quecpython(None, runtime="cpython", files={"main.py": SELF_ECHO}, net=_identity("862222222222222"))
    b.expect_all([r"^done 1$", re.escape(_served(b))])  # stderr is read apart: both lines waited for
    ra, rb = _result(a), _result(b)
    assert a.block.index != b.block.index
    assert ra.value("serving") == a.block.ip(1) and rb.value("serving") == b.block.ip(1)
    assert ra.value("got") == b"imei=861111111111111", ra  # each client reached its own server
    assert rb.value("got") == b"imei=862222222222222", rb
    for app in (a, b):
        assert _served(app) in app.stderr
        assert f"(block {app.block.index})" in app.stderr
        assert "EADDRINUSE" not in app.stderr and "Errno 98" not in app.stderr


def test_the_note_example_twice(quecpython):
    """The issue's report: the note's TCP server-and-client, twice at once."""
    from conftest import EXAMPLES

    apps = [quecpython(EXAMPLES / "tcp_server_and_client.py", net=REMAP) for _ in range(2)]
    for app in apps:
        ip = app.block.ip(1).replace(".", r"\.")
        app.expect(rf"^\[server\] bind address: {ip}, 80$")
        app.expect(rf"^\[client\] connecting: {ip}, 80$")
    for app in apps:  # both servers are bound now; each answers its own client
        app.expect(r"^\[client\] recv data: b'1234567890'$")
        app.expect(r"^\[client\] recv data: b'1234567890'$")


SERVER = """
import usocket, _thread, checkNet, modem, utime
checkNet.waitNetworkReady(30)
srv = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM)
srv.bind(('', 80))
srv.listen(2)
print('listening', 1)
c, ip, port = srv.accept()
print('from', ip)
c.settimeout(10)
asked = c.recv(64)
c.send(b'server ' + modem.getDevImei().encode() + b' got ' + asked)
c.close()
print('served', asked)
"""

CLIENT = """
import usocket, checkNet, modem, dataCall
checkNet.waitNetworkReady(30)
addr = usocket.getaddrinfo('server.local', 80)[0][4]
print('address', addr)
c = usocket.socket()
c.settimeout(10)
c.connect(addr)
c.send(b'hello from ' + modem.getDevImei().encode())
print('reply', c.recv(128))
print('peer', c.getpeername() if hasattr(c, 'getpeername') else addr)
c.close()
"""


@pytest.mark.parametrize("server_rt,client_rt", [("micropython", "cpython"), ("cpython", "micropython")])
def test_a_client_board_reaches_a_server_board_at_its_address(quecpython, server_rt, client_rt):
    server = quecpython(None, runtime=server_rt, files={"main.py": SERVER}, net=_identity("863333333333333"))
    server.expect(r"^listening 1$")
    there = server.block.ip(1)
    client = quecpython(None, runtime=client_rt, files={"main.py": CLIENT},
                        net=dict(_identity("864444444444444"), hosts={"server.local": there}))
    assert client.wait(30) == 0, client.stderr
    assert server.wait(30) == 0, server.stderr
    rc, rs = _result(client), _result(server)
    assert client.block.index != server.block.index
    assert rc.value("address") == (there, 80)
    assert rc.value("reply") == b"server 863333333333333 got hello from 864444444444444", rc
    assert rs.value("served") == b"hello from 864444444444444", rs
    assert rs.value("from") == client.block.ip(1), rs  # the client board's own address, not the host's


def test_a_board_with_its_own_port_80_listener_still_reaches_the_others(quecpython):
    """Board A listens on the wildcard's port 80 too: its connect to board B's
    address:80 goes to B, not to its own listener (only its own addresses are)."""
    server = quecpython(None, runtime="micropython", files={"main.py": SERVER}, net=_identity("865555555555555"))
    server.expect(r"^listening 1$")
    own = "import usocket\nmine = usocket.socket()\nmine.bind(('0.0.0.0', 80))\nmine.listen(1)\n"
    client = quecpython(None, runtime="micropython", files={"main.py": own + CLIENT},
                        net=dict(_identity("866666666666666"), hosts={"server.local": server.block.ip(1)}))
    assert client.wait(30) == 0, client.stderr
    assert _result(client).value("reply") == b"server 865555555555555 got hello from 866666666666666"


UDP_SERVER = """
import usocket, checkNet
checkNet.waitNetworkReady(30)
u = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM)
u.bind(('', 80))
u.settimeout(20)
print('bound', 1)
data, peer = u.recvfrom(64)
u.sendto(b'echo ' + data, peer)
print('from', peer[0] != '')
"""

UDP_CLIENT = """
import usocket, checkNet
checkNet.waitNetworkReady(30)
u = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM)
u.settimeout(10)
u.sendto(b'ping', (%r, 80))
print('reply', u.recvfrom(64))
"""


def test_another_boards_udp_reply_comes_from_port_80(quecpython):
    """A datagram from board B's remapped port 80 reads as port 80 on board A
    (the remap is the same on every board: port + ports.offset)."""
    server = quecpython(None, files={"main.py": UDP_SERVER}, net=REMAP)
    server.expect(r"^bound 1$")
    there = server.block.ip(1)
    client = quecpython(None, files={"main.py": UDP_CLIENT % there}, net=REMAP)
    assert client.wait(30) == 0, client.stderr
    assert server.wait(30) == 0, server.stderr
    assert _result(client).value("reply") == (b"echo ping", (there, 80))


XDIST_TEST = '''
import os

SRC = """
import usocket, _thread, dataCall, checkNet
checkNet.waitNetworkReady(30)
me = dataCall.getInfo(1, 0)[2][2]
srv = usocket.socket()
srv.bind(('', 80))
srv.listen(1)
def serve():
    c = srv.accept()[0]
    c.send(b'at ' + me.encode())
    c.close()
_thread.start_new_thread(serve, ())
cl = usocket.socket()
cl.settimeout(10)
cl.connect((me, 80))
print('got', cl.recv(64))
"""


def _one(quecpython, n):
    app = quecpython(None, files={"main.py": SRC},
                     net={"ports": {"remap_privileged": "always", "offset": 8000}})
    assert app.wait(60) == 0, app.stderr
    assert "got b'at %s'" % app.block.ip(1) in app.stdout, app.stdout + app.stderr
    with open(os.path.join(os.environ["H3_OUT"], "%d" % n), "w") as f:
        f.write(app.block.ip(1))
''' + "".join(f'''

def test_app_{n}(quecpython):
    _one(quecpython, {n})
''' for n in range(4))


@pytest.mark.xdist_group("heavy")  # a nested pytest -n 4: see pyproject's addopts
def test_the_fixture_under_xdist(tmp_path):
    """Four tests on four pytest-xdist workers, each app binding port 80."""
    (tmp_path / "test_four.py").write_text(XDIST_TEST)
    out = tmp_path / "out"
    out.mkdir()
    env = dict(os.environ, H3_OUT=str(out))
    env.pop(boardblock.ENV, None)  # a free block each, whatever the outer run asks
    r = subprocess.run([sys.executable, "-m", "pytest", "-n", "4", "-p", "no:cacheprovider", "-q",
                        "-o", "addopts=", "--timeout", "120", "test_four.py"],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    assert "4 passed" in r.stdout, r.stdout
    seen = [(out / str(n)).read_text() for n in range(4)]
    assert len(set(seen)) == 4, seen  # four boards, four addresses


# -- loopblock itself, on a lock folder of the test's own


@pytest.fixture
def private_locks(tmp_path, monkeypatch):
    monkeypatch.setenv("QPYSHIM_BLOCK_DIR", str(tmp_path / "locks"))


def test_two_claims_differ_and_a_released_block_is_reused(private_locks):
    with loopblock.claim() as a, loopblock.claim() as b:
        assert a.index != b.index
        assert {a.ip(1), b.ip(1)} == {"127.0.1.1", "127.0.2.1"}
        with pytest.raises(loopblock.BlockError, match="held by another"):
            loopblock.claim(index=a.index)
        k = a.index
        a.release()
        with loopblock.claim(index=k) as again:
            assert again.index == k
    assert not a.held and not b.held


def test_block_zero_is_never_handed_out(private_locks):
    with pytest.raises(loopblock.BlockError, match="host's"):
        loopblock.claim(index=0)
    held = [loopblock.claim() for _ in range(5)]
    try:
        assert 0 not in [b.index for b in held]
        assert all(not b.ip(1).startswith("127.0.0.") for b in held)
    finally:
        for b in held:
            b.release()
    assert loopblock.prefix(256) == "127.1.0." and loopblock.prefix(65535) == "127.255.255."


def test_a_dead_holders_block_is_free_again(private_locks):
    child = subprocess.Popen(
        [sys.executable, "-c", "from qpyshim import loopblock; import sys; b = loopblock.claim(); "
                               "print(b.index, flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        ready, _, _ = select.select([child.stdout], [], [], 30)
        assert ready, "the child claimed nothing"
        k = int(child.stdout.readline())
        with pytest.raises(loopblock.BlockError):
            loopblock.claim(index=k)
    finally:
        child.send_signal(signal.SIGKILL)  # no release: the kernel drops its lock
        child.wait(10)
        child.stdin.close()
        child.stdout.close()
    with loopblock.claim(index=k) as b:
        assert b.index == k


def test_the_config_moves_into_the_block():
    """The board's addresses move; the host's stay (boardblock's rules)."""
    cfg = {
        "datacall": {"profiles": {"1": {"ipv4": "127.0.0.1", "ipv6": "::1", "dns": ["127.0.0.53", "127.0.0.54"]},
                                  "7": {"ipv4": "127.0.0.77"}}},
        "nics": {"ethernet": {"ipv4": "127.0.0.4", "gateway": "127.0.0.1"}},
        "addresses": {"192.168.43.1": "127.0.43.1", "192.168.1.100": "127.0.0.4"},
        "hosts": {"localhost": "127.0.0.1", "www.baidu.com": "36.152.44.95"},
        "endpoints": {"36.152.44.95:80": "127.0.0.1:5000"},
        "firewall": {"allow": [["127.0.0.2", "255.255.255.255"]]},
    }
    boardblock.move(cfg, 258)
    assert cfg["block"] == 258
    p1 = cfg["datacall"]["profiles"]["1"]
    assert (p1["ipv4"], p1["ipv6"], p1["dns"]) == ("127.1.2.1", "::1", ["127.0.0.53", "127.0.0.54"])
    assert cfg["datacall"]["profiles"]["7"]["ipv4"] == "127.1.2.77"
    assert cfg["nics"]["ethernet"] == {"ipv4": "127.1.2.4", "gateway": "127.0.0.1"}
    assert cfg["addresses"] == {"192.168.43.1": "127.0.43.1", "192.168.1.100": "127.1.2.4"}
    assert cfg["hosts"] == {"localhost": "127.0.0.1", "www.baidu.com": "36.152.44.95"}
    assert cfg["endpoints"] == {"36.152.44.95:80": "127.0.0.1:5000"}
    assert cfg["firewall"] == {"allow": [["127.0.0.2", "255.255.255.255"]]}


def test_block_zero_runs_on_the_configs_own_addresses(tmp_path):
    """`--block 0`: one board at a time on the host's addresses, as before."""
    from qpyshim.testing import run_app

    r = run_app(None, files={"main.py": "import dataCall, checkNet\ncheckNet.waitNetworkReady(30)\n"
                                        "print('ip', dataCall.getInfo(1, 0)[2][2])\n"},
                args=("--block", "0"), workdir=tmp_path)
    assert r.code == 0, r
    assert r.value("ip") == "127.0.0.1"
    assert "(block " not in r.err


def test_a_held_block_is_refused_with_its_name(tmp_path):
    from qpyshim.testing import run_app

    with loopblock.claim() as b:
        env = dict(os.environ)
        env.pop(boardblock.HELD, None)
        r = run_app(None, files={"main.py": "print('ran')\n"}, args=("--block", str(b.index)),
                    workdir=tmp_path, env=env)
    assert r.code == 2, r
    assert f"block {b.index} ({b.network}) is held by another running board" in r.err, r
    assert "ran" not in r.out


def test_unrouted_addresses_say_what_to_do():
    text = loopblock.unrouted("127.0.3.1", "127.0.3.4")
    assert "127.0.3.1, 127.0.3.4" in text and "--block 0" in text and "QPYSHIM_BLOCK=0" in text


def test_a_host_that_routes_only_127_0_0_1(tmp_path):
    """macOS's loopback, made in a network namespace (root): the run stops
    with what to do, and `--block 0` runs."""
    import shutil

    from conftest import QPYSHIM, ROOT

    if not shutil.which("unshare") or os.geteuid() != 0:
        pytest.skip("needs root and unshare for a private network namespace")
    (tmp_path / "main.py").write_text("print('ran')\n")
    only_one = 'ip link set lo up && ip route del table local 127.0.0.0/8 dev lo && exec "$@"'
    env = dict(os.environ)
    env.pop(boardblock.ENV, None)

    def run(*args):
        return subprocess.run(["unshare", "-n", "sh", "-c", only_one, "sh", *QPYSHIM, "run", *args,
                               str(tmp_path / "main.py")], capture_output=True, text=True, timeout=60,
                              cwd=ROOT, env=env)

    r = run()
    assert r.returncode == 2, r
    assert "only part of 127.0.0.0/8 reaches the loopback interface" in r.stderr, r.stderr
    assert "--block 0" in r.stderr and "ran" not in r.stdout
    r = run("--block", "0")
    assert r.returncode == 0 and r.stdout == "ran\n", r
    # only the block's .1 added: the run names the rest of the board's addresses
    with loopblock.claim() as b:
        k = b.index
    only_one = only_one.replace("&& exec", f"&& ip addr add {b.ip(1)}/32 dev lo && exec")
    r = run("--block", str(k))
    assert r.returncode == 2, r
    # the board's own: profiles 2 and 3, the NICs, the 192.168.43.1 stand-in (.43)
    assert f"cannot bind {', '.join(b.ip(n) for n in (2, 3, 4, 5, 43))}:" in r.stderr, r.stderr


def test_the_virtual_board_runs_in_a_block(tmp_path):
    """`qpyshim board` holds a block; the deployed /board.json's addresses
    move into it on the device (shim/_desktop/vnet.py)."""
    import re
    import time

    from conftest import QPYSHIM, ROOT
    from vboardkit import Port

    flash = tmp_path / "flash"
    flash.mkdir()
    proc = subprocess.Popen(QPYSHIM + ["board", "--dir", str(flash)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=ROOT)
    try:
        head, deadline = b"", time.monotonic() + 30
        while b"  stop:" not in head:
            ready, _, _ = select.select([proc.stdout], [], [], max(0, deadline - time.monotonic()))
            got = os.read(proc.stdout.fileno(), 4096) if ready else b""
            assert got, f"the board did not start: {head}"
            head += got
        head = head.decode()
        device = head.split()[2]
        m = re.search(r"addresses: (127\.\d+\.\d+)\.0/24 \(block (\d+)", head)
        assert m, head
        app = tmp_path / "app.py"
        app.write_text("import dataCall, checkNet\ncheckNet.waitNetworkReady(10)\n"
                       "print('ip', dataCall.getInfo(1, 0)[2][2])\n")
        port = Port(device)
        try:
            p = subprocess.run(QPYSHIM + ["deploy", "--port", device, str(app)], capture_output=True,
                               text=True, timeout=120, cwd=ROOT)
            assert p.returncode == 0, p.stderr
            out = port.expect(b"ip 127.", timeout=30) + port.expect(b"\r\n", timeout=10)
        finally:
            port.close()
        assert out.decode().endswith(f"ip {m.group(1)}.1\r\n"), out
        with pytest.raises(loopblock.BlockError):
            loopblock.claim(index=int(m.group(2)))  # held while the board runs
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=20)


LEFT_OUT = """\
import dataCall, ethernet
dataCall.activate(4)
print("p4", dataCall.getInfo(4, 0)[2][2])
print("done")
"""


@pytest.mark.parametrize("runtime", ["micropython", "cpython"])
def test_addresses_the_config_leaves_out_are_in_the_block_too(quecpython, runtime):
    # board.json names profiles 1-3 and the two NICs; profile 4 takes its
    # default host number (.14), in the board's block as the named ones are.
    app = quecpython(None, runtime=runtime, files={"main.py": LEFT_OUT})
    app.expect(r"^done$")
    assert _result(app).value("p4") == app.block.ip(14)
