"""Module limits on the desktop board, and the listener firewall. The limit
apps run in-process (each on a fresh board with its config) on both runtimes;
what needs host peers or the CLI's config check runs as an app of its own."""

import socket

import pytest

from conftest import free_port

RUNTIMES = ("micropython", "cpython")

LIMITS_APP = """
import usocket, _thread
held = []
while True:
    try:
        held.append(usocket.socket())
    except OSError as e:
        print('sockets', (len(held), e.args[0]))
        break
    if len(held) > 5000:
        print('sockets', (len(held), None))
        break
held.pop().close()
held.append(usocket.socket())  # a closed one's slot is free again
print('reopened', 1)
for s in held:
    s.close()

gate = _thread.allocate_lock()
gate.acquire()
started = 0
def wait():
    gate.acquire()
    gate.release()
while started < 100:
    try:
        _thread.start_new_thread(wait, ())
        started += 1
    except OSError as e:
        print('threads', (started, str(e)))
        break
gate.release()
"""


PROFILES = [("EC200A", 64), ("ECxxxU", 15), ("BG95", 20)]
DEFAULT_APP = LIMITS_APP.replace("while started < 100", "while started < 40").replace(
    "len(held) > 5000", "len(held) >= 300")


@pytest.fixture(scope="module", params=RUNTIMES)
def limits_runs(request, tmp_path_factory):
    """The limit apps, each on a fresh board with its own config, in-process
    in one interpreter per runtime, once per session (tests/inproc/host.py)."""
    from conftest import Result
    from inproc.host import once, run_apps

    rt = request.param
    apps = {p: {"source": LIMITS_APP, "net": {"limits": {"profile": p}}} for p, _ in PROFILES}
    apps["default"] = {"source": DEFAULT_APP}
    got = once(tmp_path_factory, "limits_" + rt, lambda work: run_apps(apps, rt, work))
    return {k: Result(v["code"], v["out"], v["err"]) for k, v in got.items()}


@pytest.mark.parametrize("profile,sockets", PROFILES)
def test_module_profile_limits(limits_runs, profile, sockets):
    r = limits_runs[profile]
    assert r.code == 0, r
    assert r.value("sockets") == (sockets, 23)  # ENFILE, as lwip_socket() fails
    assert r.value("reopened") == 1
    assert r.value("threads") == (16, "can't create thread")


def test_default_profile_keeps_host_limits(limits_runs):
    r = limits_runs["default"]
    assert r.code == 0, r
    assert r.value("sockets") == (300, None)  # well past every module's limit
    with pytest.raises(AssertionError):
        r.value("threads")  # 40 threads started, no limit hit


ACCEPT_AT_LIMIT = """
import usocket
ls = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, usocket.IPPROTO_TCP_SER)
ls.bind(('127.0.0.1', PORT))
ls.listen(5)
fill = []
try:
    while True:
        fill.append(usocket.socket())
except OSError:
    pass
print('listening', len(fill) + 1)
print('accept', err(ls.accept))
fill.pop().close()
c, ip, port = ls.accept()
print('accepted', ip)
c.send(b'hi')
c.close()
"""


def test_accept_at_the_socket_limit(board):
    port = free_port()
    run = board.start("PORT = %d\n" % port + ACCEPT_AT_LIMIT, net={"limits": {"profile": "ECxxxG"}})
    assert run.expect(r"^listening ").string == "listening 15"
    first = socket.create_connection(("127.0.0.1", port), timeout=10)
    assert "('OSError', 23," in run.expect(r"^accept ").string
    try:
        assert first.recv(10) == b""  # closed by the board, never seen by the app
    except ConnectionResetError:
        pass
    second = socket.create_connection(("127.0.0.1", port), timeout=10)
    assert run.expect(r"^accepted ").string == "accepted 127.0.0.1"
    assert second.recv(10) == b"hi"
    first.close()
    second.close()
    assert run.wait(30) == 0, run.stderr


def test_bad_limits_config_is_refused(board):
    r = board.run("print('ran', 1)", net={"limits": {"profile": "EC999"}})
    assert r.code == 2
    assert "limits.profile must be one of EC200A, ECxxxG, ECxxxU, BG95" in r.err


def test_runtime_profiles_match_the_host_list():
    import re
    from pathlib import Path

    from qpyshim import netconfig

    text = (Path(__file__).parent.parent / "shim" / "_lib" / "power.py").read_text()
    assert tuple(re.findall(r'^    "(\w+)": \(', text, re.M)) == netconfig.PROFILES


SERVER_APP = """
import _thread, usocket
from usr.note import tcp_server
_thread.start_new_thread(tcp_server, ('127.0.0.1', PORT))
"""


def _client(port, src_ip):
    s = socket.socket()
    s.settimeout(10)
    s.bind((src_ip, 0))
    s.connect(("127.0.0.1", port))
    return s


def test_firewall_allows_listed_and_refuses_others(board):
    from conftest import EXAMPLES

    port = free_port()
    note = (EXAMPLES / "echo_demo" / "note.py").read_text().split("import checkNet")[0]
    net = {"firewall": {"allow": [["127.0.0.2", "255.255.255.255"], ["127.0.1.0", "255.255.255.0"]]}}
    run = board.start("PORT = %d\n" % port + SERVER_APP, net=net, files={"note.py": note})
    try:
        run.expect(r"listening")
        allowed, refused, subnet = (_client(port, ip) for ip in ("127.0.0.2", "127.0.0.3", "127.0.1.9"))
        for s, msg in ((allowed, b"one"), (subnet, b"two")):
            s.sendall(msg)
            assert s.recv(10) == msg
        refused.sendall(b"three")
        try:
            assert refused.recv(10) == b""  # closed before accept() returned it
        except ConnectionResetError:
            pass
        allowed.sendall(b"again")
        assert allowed.recv(10) == b"again"
        for s in (allowed, refused, subnet):
            s.close()
    finally:
        run.kill()
        run.wait(10)  # collects what it printed
    accepted = sorted(ln.split(": ")[1].split(",")[0] for ln in run.seen if "accept a client" in ln)
    assert accepted == ["127.0.0.2", "127.0.1.9"]
    assert "qpyshim: firewall: refused 127.0.0.3:" in run.stderr


def test_firewall_config_is_checked(board):
    r = board.run("print(1)", net={"firewall": {"allow": [["127.0.0.1"]]}})
    assert r.code == 2 and "firewall.allow entry" in r.err
