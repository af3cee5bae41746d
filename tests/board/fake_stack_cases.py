# usocket, dataCall and checkNet over a stack handed to the board: each case
# builds a fresh board with a tests/fakestack.py stack (and its config) in
# this one interpreter, and checks what the app sees and what the stack was
# asked. Run by tests/inproc/runner.py on both runtimes (tests/test_fake_stack.py).
import sys

sys.path.insert(0, __file__.rsplit("/", 2)[0])  # tests/: fakestack
from fakestack import FakeStack, FakeLink  # noqa: E402

import usocket  # noqa: E402
import dataCall  # noqa: E402
import checkNet  # noqa: E402
from shim._lib import board as _board  # noqa: E402


def board(config=None, link=True):
    stack = FakeStack(FakeLink() if link else None)
    b = _board.install({} if config is None else config, stack)
    assert b.net is stack and _board.get() is b
    return stack


def errno(f, *a):
    try:
        f(*a)
    except OSError as e:
        return e.args[0]
    return None


def case_connect_errno_reaches_app(r):
    stack = board()
    stack.fail("connect", 111)
    s = usocket.socket()
    n = errno(s.connect, ("10.1.1.1", 80))
    assert n == 111, n
    assert stack.names()[-3:] == ["resolve", "route", "connect"], stack.calls
    assert s.getsocketsta() == 0  # a failed connect reads as CLOSED
    assert errno(s.connect, ("10.1.1.1", 80)) == 114  # and can't connect again


def case_any_chosen_errno(r):
    stack = board()
    for n in (110, 113, 12, 99):  # 104 is special: see case_reset_during_connect
        stack.fail("connect", n)
        s = usocket.socket()
        got = errno(s.connect, ("10.1.1.1", 80))
        assert got == n, (n, got)
        s.close()


def case_reset_during_connect(r):
    # Accepted, then reset before connect() returned: connected; the first
    # data call reports the reset.
    stack = board()
    stack.fail("connect", 104)
    s = usocket.socket()
    s.connect(("10.1.1.1", 80))
    stack.sockets[-1].eof = True  # what a reset connection reads
    assert errno(s.recv, 10) == 104


def case_connect_uses_link_address(r):
    stack = board()
    s = usocket.socket()
    s.connect(("fake.example", 443))
    assert ("resolve", "fake.example") in stack.calls
    assert ("route", "10.0.0.7", 443, usocket.SOCK_STREAM) in stack.calls
    assert stack.sockets[-1].tx == []
    assert s.getsocketsta() == 4  # the stack's tcp_state
    assert stack.names()[-1] == "tcp_state"


def case_send_recv_go_to_the_stack(r):
    stack = board()
    s = usocket.socket()
    s.connect(("10.1.1.1", 80))
    s.send(b"ping")
    native = stack.sockets[-1]
    assert native.tx == [b"ping"], native.tx
    native.rx.append(b"pong")
    assert s.recv(10) == b"pong"
    native.eof = True
    assert errno(s.recv, 10) == 107  # the peer closed: QuecPython raises


def case_recv_timeout_is_110(r):
    stack = board()
    s = usocket.socket()
    s.settimeout(1)
    s.connect(("10.1.1.1", 80))
    assert stack.sockets[-1].timeout == 1
    assert errno(s.recv, 10) == 110  # the native call's EAGAIN under a timeout


def case_nonblocking_recv_is_11(r):
    board()
    s = usocket.socket()
    s.connect(("10.1.1.1", 80))
    s.setblocking(False)
    assert errno(s.recv, 10) == 11


def case_refused_route_never_connects(r):
    stack = board()
    stack.refused.add("10.6.6.6")
    s = usocket.socket()
    assert errno(s.connect, ("10.6.6.6", 80)) == 113
    assert "connect" not in stack.names()


def case_unknown_name(r):
    stack = board()
    assert errno(usocket.getaddrinfo, "nowhere.example", 80) == -202
    assert usocket.getaddrinfo("fake.example", 80)[0][-1] == ("10.0.0.7", 80)
    assert stack.names() == ["resolve", "resolve"], stack.calls


def case_socket_errno(r):
    stack = board()
    stack.fail("socket", 23)
    assert errno(usocket.socket) == 23


def case_udp_sendto_and_recvfrom(r):
    stack = board()
    s = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM)
    assert s.sendto(b"x", ("10.2.2.2", 53)) == 1
    assert stack.calls[-1][0] == "sendto" and stack.calls[-1][2:] == (b"x", ("10.2.2.2", 53)), stack.calls
    stack.sockets[-1].rx.append(b"y")
    assert s.recvfrom(10) == (b"y", ("10.9.9.9", 5000))


def case_options_reach_the_stack(r):
    stack = board()
    s = usocket.socket()
    s.setsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR, 1)
    s.setsockopt(usocket.SOL_SOCKET, usocket.TCP_KEEPALIVE, 5)
    names = stack.names()
    assert "reuseaddr" in names and "keepalive" in names, stack.calls


def case_bind_goes_through_the_stack(r):
    stack = board()
    s = usocket.socket()
    s.bind(("10.0.0.2", 8000))
    assert ("bind", "10.0.0.2", 8000, usocket.SOCK_STREAM) in stack.calls
    assert stack.sockets[-1].bound == ("10.0.0.2", 8000)


def case_no_data_call_no_route(r):
    # The config says nothing comes up at power-on: the link stays down.
    stack = board({"datacall": {"auto_activate": []}})
    assert stack.link.calls == [("start", False)], stack.link.calls
    s = usocket.socket()
    assert errno(s.connect, ("10.1.1.1", 80)) == 113
    assert dataCall.getInfo(1, 0)[2][0] == 0


def case_datacall_getinfo_from_link(r):
    stack = board()
    info = dataCall.getInfo(1, 0)
    assert info == (1, 0, [1, 0, "10.0.0.2", "10.0.0.53", "10.0.0.54"]), info
    assert checkNet.waitNetworkReady(1) == (3, 1)
    assert stack.link.calls == [("start", True)]


def case_datacall_drop_aborts_sockets(r):
    stack = board()
    s = usocket.socket()
    s.connect(("10.1.1.1", 80))
    stack.link.update(1, False)
    assert ("abort", stack.sockets[-1]) in stack.calls
    assert errno(s.recv, 10) == 103  # aborted with its address
    assert dataCall.getInfo(1, 0)[2][0] == 0


def case_datacall_activate_brings_link(r):
    stack = board({"datacall": {"auto_activate": []}})
    assert dataCall.activate(1) == 0
    assert stack.link.calls[-1][:2] == ("bring", True), stack.link.calls
    assert dataCall.getInfo(1, 0)[2][:3] == [1, 0, "10.0.0.2"]


def case_limits_come_from_the_board(r):
    board({"limits": {"sockets": 2}})
    a, b = usocket.socket(), usocket.socket()
    assert errno(usocket.socket) == 23  # ENFILE: the board's limit


def case_new_board_new_state(r):
    first = board({"limits": {"sockets": 1}})
    usocket.socket()
    second = board()  # no limit, no sockets counted, its own stack
    usocket.socket()
    usocket.socket()
    assert len(first.sockets) == 1 and len(second.sockets) == 2
    from shim._lib import limits as _limits

    assert _limits.open_sockets() == 2


def case_config_sections_are_the_boards(r):
    board({"modem": {"imei": "123456789012345"}, "sim": {"status": 0}}, link=False)  # the simulated modem
    import modem
    import sim

    assert modem.getDevImei() == "123456789012345"
    assert sim.getStatus() == 0
    board()
    assert modem.getDevImei() == "866327040830317"
