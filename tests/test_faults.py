"""Network faults, each with the outcome a QuecPython app sees on the module.
Faults come through the desktop board: its control channel (qpyshim.control)
changes the simulated modem while the app runs, and misbehaving peers
(qpyshim.faults) stand behind endpoint maps. Nothing leaves loopback. Apps
that need no control channel run in-process, on a fresh board with their
config (tests/inproc/host.py); the rest run as apps of their own."""

import re

import pytest

from qpyshim import faults
from qpyshim.control import BoardControl

RUNTIMES = ("micropython", "cpython")
PUBLIC = "203.0.113.7"  # a documentation address, mapped to loopback peers


def seen(run, pattern, timeout=30):
    """A line matching pattern, printed before now or within timeout; lines
    from the app's threads arrive in any order."""
    for line in run.seen:
        m = re.search(pattern, line)
        if m:
            return m
    return run.expect(pattern, timeout)


DROP_APP = """
import usocket, dataCall, checkNet, _thread
dataCall.setCallback(lambda args: print('callback', args))
s = usocket.socket()
s.settimeout(60)
s.connect(('127.0.0.1', PORT))
print('greeting', s.readline()[:5])
u = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM)
print('ready', 1)
print('recv', err(s.recv, 10))
print('state', s.getsocketsta())
print('send', err(s.send, b'x'))
c = usocket.socket()
c.settimeout(5)
print('connect', err(c.connect, ('127.0.0.1', PORT)))
print('sendto', err(u.sendto, b'x', ('127.0.0.1', PORT)))
print('info', dataCall.getInfo(1, 0)[2][:3])
print('waiting', 1)
print('network', checkNet.waitNetworkReady(60))
c2 = usocket.socket()
c2.settimeout(5)
c2.connect(('127.0.0.1', PORT))
print('again', c2.recv(5))
for x in (s, c, c2, u):
    x.close()
"""


def test_data_call_drop_aborts_sockets_and_returns(board, peer_server, tmp_path):
    with BoardControl() as ctl:
        src = "PORT = %d\n" % peer_server.server_address[1] + DROP_APP
        run = board.start(src, net=ctl.config())
        ctl.wait_ready()
        run.expect(r"^ready 1")
        state = ctl.drop_data_call(1)
        assert state["active"] == []
        run.expect(r"^recv ")
        assert run.seen[-1] == "recv ('OSError', 103, '[Errno 103] ECONNABORTED')"
        run.expect(r"^state 0$")
        assert seen(run, r"^send ").group(0)
        assert "('OSError', 103," in [ln for ln in run.seen if ln.startswith("send ")][0]
        assert "('OSError', 113," in seen(run, r"^connect .*").string
        assert "('OSError', 113," in seen(run, r"^sendto .*").string
        assert seen(run, r"^info ").string == "info [0, 0, '0.0.0.0']"
        seen(run, r"^callback \(1, 0, 0\)$")
        seen(run, r"^waiting 1")
        ctl.restore_data_call(1)
        seen(run, r"^callback \(1, 1, 0\)$")
        assert seen(run, r"^network ").string == "network (3, 1)"
        assert seen(run, r"^again ").string == "again b'peer='"
        assert run.wait(30) == 0, run.stderr
        # sockets the app closed are out of the registry
        assert "Traceback" not in run.stderr


SIM_APP = """
import checkNet, dataCall, usocket
dataCall.setCallback(lambda args: print('callback', args))
print('ready', 1)
input_done = False
print('first', checkNet.waitNetworkReady(1))
print('second', checkNet.waitNetworkReady(1))
"""


SIM_CHANGES = [
    ({"sim": 0}, (1, 0)),  # no SIM: at once, as the SIM-absent sample says
    ({"reg": 3}, (2, 3)),  # registration denied: after the timeout
]


@pytest.fixture(scope="module", params=RUNTIMES)
def sim_runs(request, tmp_path_factory):
    """SIM_APP on a board of each SIM_CHANGES config, in-process (a fresh
    board each) in one interpreter per runtime, once per session."""
    from conftest import Result
    from inproc.host import once, run_apps

    rt = request.param
    apps = {}
    for i, (change, _) in enumerate(SIM_CHANGES):
        net = {"sim": {"status": change.get("sim", 1)}, "net": {"data_state": change.get("reg", 1)}}
        apps["change%d" % i] = {"source": SIM_APP, "net": net}
    got = once(tmp_path_factory, "faults_sim_" + rt, lambda work: run_apps(apps, rt, work))
    return {k: Result(v["code"], v["out"], v["err"]) for k, v in got.items()}


@pytest.mark.parametrize("change,expected", SIM_CHANGES)
def test_sim_and_registration_faults(sim_runs, change, expected):
    r = sim_runs["change%d" % [c for c, _ in SIM_CHANGES].index(change)]
    assert r.code == 0, r
    assert r.value("first") == expected
    assert r.value("second") == expected




def test_dns_failure(board):
    src = """
import usocket, utime
print('before', usocket.getaddrinfo('peer.example', 80)[0][4])
print('ready', 1)
while not err(usocket.getaddrinfo, 'peer.example', 80):
    utime.sleep_ms(20)
print('after', err(usocket.getaddrinfo, 'peer.example', 80))
s = usocket.socket()
print('connect', err(s.connect, ('peer.example', 80)))
print('literal', usocket.getaddrinfo('127.0.0.1', 80)[0][4])
s.close()
"""
    with BoardControl() as ctl:
        run = board.start(src, net=dict(ctl.config(), hosts={"peer.example": "127.0.0.9"}))
        run.expect(r"^ready 1")
        assert run.seen[0] == "before ('127.0.0.9', 80)"
        ctl.set_dns(False)
        assert "('OSError', -202," in run.expect(r"^after ").string
        assert "('OSError', -202," in run.expect(r"^connect ").string
        assert run.expect(r"^literal ").string == "literal ('127.0.0.1', 80)"
        assert run.wait(30) == 0, run.stderr


PEERS_APP = """
import usocket
def client(name, timeout=5):
    s = usocket.socket()
    s.settimeout(timeout)
    s.connect(('203.0.113.7', PORTS[name]))
    return s

def drain(s):
    got = b''
    while True:
        d = s.recv(4096)
        got += d

s = client('reset')
try:
    drain(s)
except OSError as e:
    print('reset', e.args[0])
print('reset state', s.getsocketsta())
s.close()

s = client('reset')  # the same through read(): the native stream path
try:
    while s.read(100):
        pass
    print('reset read', 'eof')
except OSError as e:
    print('reset read', e.args[0])
print('reset read state', s.getsocketsta())
s.close()

s = client('halfclose')
got = b''
try:
    while True:
        got += s.recv(4096)
except OSError as e:
    print('halfclose eof', (e.args[0], len(got)))
print('halfclose state', s.getsocketsta())
print('halfclose send', s.send(b'still here'))
s.close()

s = client('silent', 1)
print('recv timeout', err(s.recv, 10))
s.close()

s = usocket.socket()
s.settimeout(1)
print('connect timeout', err(s.connect, ('203.0.113.7', PORTS['blackhole'])))
s.close()

s = usocket.socket()
s.settimeout(1)
print('refused', err(s.connect, ('203.0.113.7', PORTS['refuse'])))
print('refused again', err(s.connect, ('203.0.113.7', PORTS['refuse'])))
s.close()

ls = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, usocket.IPPROTO_TCP_SER)
ls.bind(('127.0.0.1', LISTEN))
ls.listen(1)
ls.settimeout(1)
print('accept timeout', err(ls.accept))
ls.close()
"""


def test_peer_faults_and_timeouts(runtime, tmp_path):
    from conftest import free_port
    from inproc.host import run_app

    kinds = ("reset", "halfclose", "silent", "blackhole", "refuse")
    peers = {k: faults.KINDS[k]() for k in kinds}
    try:
        ports = {k: 1000 + i for i, k in enumerate(kinds)}  # public ports, mapped below
        endpoints = {f"{PUBLIC}:{ports[k]}": peers[k].address for k in kinds}
        src = f"PORTS = {ports!r}\nLISTEN = {free_port()}\n" + PEERS_APP
        r = run_app(runtime, tmp_path, src, net={"endpoints": endpoints}, timeout=60)  # in-process
        assert r.code == 0, r
        assert r.value("reset") == 104  # ECONNRESET
        assert r.value("reset state") == 0
        assert r.value("reset read") == 104
        assert r.value("reset read state") == 0  # not CLOSE_WAIT: a reset can't be written to
        assert r.value("halfclose eof") == (107, len(faults.PAYLOAD))  # every byte, then ENOTCONN
        assert r.value("halfclose state") == 7  # CLOSE_WAIT: we may still send
        assert r.value("halfclose send") == 10
        assert r.value("recv timeout")[:2] == ("OSError", 110)
        assert r.value("connect timeout")[:2] == ("OSError", 110)
        assert r.value("refused")[:2] == ("OSError", 111)
        assert r.value("refused again")[:2] == ("OSError", 114)  # a failed socket can't retry
        assert r.value("accept timeout")[:2] == ("OSError", 110)
    finally:
        for p in peers.values():
            p.close()
    # The half-closed peer got what the app sent after the FIN.
    assert bytes(peers["halfclose"].received) == b"still here"


def test_server_keeps_serving_through_faults(tmp_path):
    """The note's thread-per-client server: clients that reset, half-close or
    go silent, and a data-call drop, end their own threads only."""
    import socket
    import struct
    import time

    from conftest import EXAMPLES, Board, free_port

    note = (EXAMPLES / "echo_demo" / "note.py").read_text().split("import checkNet")[0]
    app = "import _thread\nfrom usr.note import tcp_server\n_thread.start_new_thread(tcp_server, ('127.0.0.1', %d))\n"
    port = free_port()
    board = Board(tmp_path, "micropython")

    def echo_once(msg):
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(msg)
            return s.recv(100)

    with BoardControl() as ctl:
        run = board.start(app % port, net=ctl.config(), files={"note.py": note})
        try:
            run.expect("listening")
            resetter = socket.create_connection(("127.0.0.1", port), timeout=10)
            resetter.sendall(b"half a")
            assert resetter.recv(10) == b"half a"
            resetter.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            resetter.close()
            closer = socket.create_connection(("127.0.0.1", port), timeout=10)
            closer.sendall(b"bye")
            closer.shutdown(socket.SHUT_WR)
            assert closer.recv(10) == b"bye"  # answered after our FIN
            silent = socket.create_connection(("127.0.0.1", port), timeout=10)
            assert echo_once(b"still") == b"still"
            ctl.drop_data_call(1)  # the silent client's thread gets ECONNABORTED
            try:
                assert silent.recv(10) == b""
            except ConnectionResetError:
                pass
            ctl.restore_data_call(1)
            assert echo_once(b"after the drop") == b"after the drop"  # the listener survived
            closer.close()
            silent.close()
            deadline = time.monotonic() + 30
            while (state := ctl.state())["threads"] > 1 and time.monotonic() < deadline:
                time.sleep(0.05)  # polling a condition, with a deadline
            assert (state["threads"], state["sockets"]) == (1, 1), state
        finally:
            run.kill()


def test_control_channel_refuses_bad_requests(board):
    from qpyshim.control import ControlError

    with BoardControl() as ctl:
        run = board.start("import utime\nutime.sleep(30)\n", net=ctl.config())
        try:
            ctl.wait_ready()
            import socket

            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as stranger:  # not the host in the config
                stranger.sendto(b'{"op": "network", "sim": 0, "id": 1}', ctl._board)
            assert ctl.state()["sim"] == 1  # ignored; the next request is answered in order
            with pytest.raises(ControlError, match="unknown op 'nope'"):
                ctl.request("nope")
            ctl.set_sim(0)
            with pytest.raises(ControlError, match="no SIM or no registration"):
                ctl.restore_data_call(1)
            with pytest.raises(ControlError, match="profile must be in 1-7"):
                ctl.drop_data_call(8)  # the default EC600U has profiles 1-7
            assert ctl.state()["sim"] == 0  # the channel still answers
        finally:
            run.kill()


RADIO_APP = """
import checkNet, dataCall, utime
calls = [0]
def cb(args):
    calls[0] += 1  # the host waits for each before the next change: no race
    print('callback', calls[0], args)
dataCall.setCallback(cb)
end = utime.ticks_add(utime.ticks_ms(), 60000)
for round in range(2):
    print('ready', round)
    # Poll as apps do, with a pause: a loop that never sleeps starves the
    # interpreter's other threads of heap (no GIL, one GC lock).
    while checkNet.waitNetworkReady(1) == (3, 1) and utime.ticks_diff(end, utime.ticks_ms()) > 0:
        utime.sleep_ms(20)
    print('lost', checkNet.waitNetworkReady(1))
    while checkNet.waitNetworkReady(1) != (3, 1) and utime.ticks_diff(end, utime.ticks_ms()) > 0:
        utime.sleep_ms(20)
    print('back', round)
"""


def test_sim_removed_and_registration_denied_while_running(board):
    with BoardControl() as ctl:
        run = board.start(RADIO_APP, net=ctl.config())
        try:
            for n, (lose, regain, pair) in enumerate([
                (lambda: ctl.set_registration(3), lambda: ctl.set_registration(1), (2, 3)),
                (lambda: ctl.set_sim(0), lambda: ctl.set_sim(1), (1, 0)),
            ]):
                run.expect(r"^ready %d" % n)
                assert lose()["active"] == []
                assert seen(run, r"^lost %s" % re.escape(repr(pair))).string == "lost %r" % (pair,)
                seen(run, r"^callback %d \(1, 0, 0\)$" % (2 * n + 1))
                assert regain()["active"] == [1]  # the auto-activated profile returns
                seen(run, r"^back %d" % n)
                seen(run, r"^callback %d \(1, 1, 0\)$" % (2 * n + 2))
            assert run.wait(30) == 0, run.stderr
        finally:
            run.kill()


def test_deactivate_closes_the_profiles_connections(runtime, tmp_path, peer_server):
    """The app's own dataCall.deactivate() takes the address away as a drop does."""
    from inproc.host import run_app

    r = run_app(runtime, tmp_path, """
import usocket, dataCall
s = usocket.socket()
s.settimeout(10)
s.connect(('127.0.0.1', %d))
s.readline()
print('deactivate', dataCall.deactivate(1))
print('recv', err(s.recv, 10)[:2])
print('connect', err(usocket.socket().connect, ('127.0.0.1', %d))[:2])
print('activate', dataCall.activate(1))
c = usocket.socket()
c.settimeout(10)
c.connect(('127.0.0.1', %d))
print('again', c.recv(5))
""" % ((peer_server.server_address[1],) * 3))
    assert r.code == 0, r
    assert r.value("deactivate") == 0
    assert r.value("recv") == ("OSError", 103)
    assert r.value("connect") == ("OSError", 113)
    assert r.value("activate") == 0
    assert r.value("again") == b"peer="
