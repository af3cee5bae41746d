"""Sierra Wireless / Wavecom WIP, byte for byte: the +WIPCREATE transcript
of Multi-Tech's CDMA C1 AT Commands Reference Guide (PN S000478C, chapter
17, "TCP APP AT Commands": UDP, TCP client, TCP server, the listing) and an
example session assembled from the WIP guides replayed against the
simulator over its pty,
plus the choices the simulator documents where the guides are silent
(session ends, DLE/ETX both ways, late errors, faults); and the driver
(on CPython) against the simulator where the generic tests do not reach."""

import socket
import threading
import time

import pytest

import ptywire
from modemkit import simulator
from ptywire import PtyWire

GUARD = 0.05  # the simulators' guard_ms in tests (modemkit.FAST)
OK = b"\r\nOK\r\n"


class Wire(PtyWire):
    def __init__(self, sim):
        PtyWire.__init__(self, sim)
        self.next(b"\r\n+WIND: 4\r\n")  # the boot indication

    def next(self, want, timeout=5):
        """The next bytes on the line are exactly `want`."""
        self.exactly(want, timeout)

    def at(self, cmd, reply=OK):
        self.send(cmd + b"\r")
        self.next(reply)

    def escape(self, reply=b"\x03" + OK):
        time.sleep(GUARD * 2)  # the guard time before +++ is part of the protocol, not a wait for an event
        self.send(b"+++")
        self.next(reply)

    def silent(self):
        assert self.buf == b"", self.buf


def _bring_up(w, bearer=True):
    w.at(b"ATE0", b"ATE0\r" + OK)  # the modem boots echoing
    w.at(b"AT+CMEE=1")
    if bearer:
        w.at(b"AT+WIPCFG=1")
        w.at(b"AT+WIPBR=1,6")
        w.at(b'AT+WIPBR=2,6,11,"internet"')
        w.at(b"AT+WIPBR=4,6,0")


wire = ptywire.fixture(Wire, _bring_up)


def listener():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(4)
    s.settimeout(5)
    return s


def accept(ls):
    conn, addr = ls.accept()
    conn.settimeout(5)  # an accepted socket does not inherit the listener's
    return conn, addr


def udp():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.settimeout(5)
    return s


# -- Multi-Tech's guide: AT+WIPCREATE ---------------------------------------------------


def test_guide_wipcreate_udp_tcp_server_and_listing(wire):
    srv, peer = listener(), udp()
    with simulator("wip") as sim:
        w = wire(sim)
        # UDP with only a local port: it listens; a datagram is announced with its source.
        w.at(b"AT+WIPCREATE=1,1,5000", OK + b"\r\n+WIPREADY: 1,1\r\n")
        peer.sendto(b"hello", ("127.0.0.1", sim.net.real_port(5000, "udp")))
        w.next(b'\r\n+WIPDATA: 1,1,5,"127.0.0.1",%d\r\n' % peer.getsockname()[1])
        # UDP with a peer; a TCP client.
        pport, sport = peer.getsockname()[1], srv.getsockname()[1]
        w.at(b'AT+WIPCREATE=1,2,5001,"127.0.0.1",%d' % pport, OK + b"\r\n+WIPREADY: 1,2\r\n")
        w.at(b'AT+WIPCREATE=2,1,"127.0.0.1",%d' % sport, OK + b"\r\n+WIPREADY: 2,1\r\n")
        conn, (_, cport) = accept(srv)
        # A TCP server spawning clients 5..8: its range is reserved.
        w.at(b"AT+WIPCREATE=3,1,8080,5,8")
        c = socket.create_connection(("127.0.0.1", sim.net.real_port(8080)), timeout=5)
        w.next(b"\r\n+WIPACCEPT: 1,5\r\n")
        w.at(b"AT+WIPCREATE?", b"\r\n" + b"\r\n".join([
            b'+WIPCREATE: 1,1,5000,"0.0.0.0",0',
            b'+WIPCREATE: 1,2,5001,"127.0.0.1",%d' % pport,
            b'+WIPCREATE: 2,1,%d,"127.0.0.1",%d' % (cport, sport),
            b'+WIPCREATE: 2,5,8080,"127.0.0.1",%d' % c.getsockname()[1],
            b'+WIPCREATE: 3,1,8080,"0.0.0.0",0',
        ]) + b"\r\n" + OK)
        # The guides' errors: index in use, reserved, out of range, bad protocol.
        w.at(b'AT+WIPCREATE=2,1,"127.0.0.1",%d' % sport, b"\r\n+CME ERROR: 831\r\n")
        w.at(b'AT+WIPCREATE=2,6,"127.0.0.1",%d' % sport, b"\r\n+CME ERROR: 831\r\n")
        w.at(b"AT+WIPCREATE=1,9,5002", b"\r\n+CME ERROR: 830\r\n")
        w.at(b"AT+WIPCREATE=5,1", b"\r\n+CME ERROR: 837\r\n")
        w.at(b"AT+WIPCREATE=3,2,8080,1,2", b"\r\n+CME ERROR: 840\r\n")  # that port listens already
        w.at(b"AT+WIPCLOSE=2,5")
        w.at(b"AT+WIPCLOSE=2,5", b"\r\n+CME ERROR: 831\r\n")
        w.silent()
        c.close()
        conn.close()
    srv.close()
    peer.close()


# -- an example session from the WIP guides ---------------------------------------------


def test_guides_example_session(wire):
    # 192.0.2.1 (TEST-NET-1) is reached only through the simulator's endpoint map.
    tcp, dg = listener(), udp()
    cfg = {"endpoints": {"192.0.2.1:7": "127.0.0.1:%d" % tcp.getsockname()[1],
                         "192.0.2.1:5001": "127.0.0.1:%d" % dg.getsockname()[1]}}
    with simulator("wip", cfg=cfg, udp_etx_ends=True) as sim:  # the GPRS-F4 example's reading of ETX
        w = wire(sim)
        w.at(b'AT+WIPCREATE=2,1,"192.0.2.1",7', OK + b"\r\n+WIPREADY: 2,1\r\n")
        conn, _ = accept(tcp)
        w.at(b"AT+WIPDATA=2,1,2", b"\r\nCONNECT\r\n")
        w.send(b"raw \x03\x10 bytes")  # transparent: nothing is special
        assert conn.recv(100) == b"raw \x03\x10 bytes"
        conn.sendall(b"back \x03")
        w.next(b"back \x03")
        w.escape(OK)  # mode 2 has no ETX
        conn.sendall(b"hello world!")
        w.next(b"\r\n+WIPDATA: 2,1,12\r\n")
        w.at(b"AT+WIPCREATE=3,1,8080,5,8")
        c = socket.create_connection(("127.0.0.1", sim.net.real_port(8080)), timeout=5)
        w.next(b"\r\n+WIPACCEPT: 1,5\r\n")
        w.at(b"AT+WIPDATA=2,5,2", b"\r\nCONNECT\r\n")
        c.sendall(b"x")
        w.next(b"x")
        w.escape(OK)
        w.at(b'AT+WIPCREATE=1,1,5000,"192.0.2.1",5001', OK + b"\r\n+WIPREADY: 1,1\r\n")
        w.at(b"AT+WIPDATA=1,1,1", b"\r\nCONNECT\r\n")
        w.send(b"datagram\x03")
        w.next(b"\x03" + OK)  # ETX also ends the session
        assert dg.recvfrom(100)[0] == b"datagram"
        w.at(b"AT+WIPCLOSE=2,1")
        c.close()
        w.next(b"\r\n+WIPPEERCLOSE: 2,5\r\n")
        conn.close()
    tcp.close()
    dg.close()


# -- the simulator's documented choices ----------------------------------------------------


def test_tcp_mode_1_escapes_both_ways_and_ends_on_fin(wire):
    srv = listener()
    with simulator("wip") as sim:
        w = wire(sim)
        w.at(b'AT+WIPCREATE=2,1,"127.0.0.1",%d' % srv.getsockname()[1], OK + b"\r\n+WIPREADY: 2,1\r\n")
        conn, _ = accept(srv)
        conn.sendall(b"held \x03")  # arrives unmapped: held and announced once
        w.next(b"\r\n+WIPDATA: 2,1,6\r\n")
        w.at(b"AT+WIPDATA=2,1,1", b"\r\nCONNECT\r\nheld \x10\x03")
        w.send(b"a\x10\x03b\x10\x10c")
        got = b""
        while len(got) < 5:
            got += conn.recv(100)
        assert got == b"a\x03b\x10c"
        conn.sendall(b"\x10\x03")
        w.next(b"\x10\x10\x10\x03")
        w.escape()  # +++: ETX, then OK; the UART is in AT mode
        conn.sendall(b"later")
        w.next(b"\r\n+WIPDATA: 2,1,5\r\n")
        w.at(b"AT+WIPDATA?", b"\r\n+WIPDATA: 2,1,5\r\n" + OK)  # what is held, listed again
        w.at(b"AT+WIPDATA=2,1,1", b"\r\nCONNECT\r\nlater")
        conn.close()  # the peer's FIN ends the session
        w.next(b"\x03\r\n+WIPPEERCLOSE: 2,1\r\n")
        w.at(b"AT")
    srv.close()


def test_data_held_before_a_fin_is_read_first(wire):
    srv = listener()
    with simulator("wip") as sim:
        w = wire(sim)
        w.at(b'AT+WIPCREATE=2,1,"127.0.0.1",%d' % srv.getsockname()[1], OK + b"\r\n+WIPREADY: 2,1\r\n")
        conn, _ = accept(srv)
        conn.sendall(b"last words")
        conn.close()
        w.next(b"\r\n+WIPDATA: 2,1,10\r\n\r\n+WIPPEERCLOSE: 2,1\r\n")
        w.at(b"AT+WIPDATA=2,1,1", b"\r\nCONNECT\r\nlast words\x03\r\n+WIPPEERCLOSE: 2,1\r\n")
        w.at(b"AT+WIPDATA=2,1,1", b"\r\n+CME ERROR: 831\r\n")  # nothing left either way
        w.at(b"AT+WIPCLOSE=2,1")
    srv.close()


def test_tcp_reset_while_mapped_and_while_not(wire):
    srv = listener()
    with simulator("wip") as sim:
        w = wire(sim)
        port = srv.getsockname()[1]
        w.at(b'AT+WIPCREATE=2,1,"127.0.0.1",%d' % port, OK + b"\r\n+WIPREADY: 2,1\r\n")
        a, _ = accept(srv)
        w.at(b'AT+WIPCREATE=2,2,"127.0.0.1",%d' % port, OK + b"\r\n+WIPREADY: 2,2\r\n")
        b, _ = accept(srv)
        w.at(b"AT+WIPDATA=2,1,1", b"\r\nCONNECT\r\n")
        for s in (a, b):
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        a.close()  # RST: ETX, back to AT mode, +CME ERROR: 843
        w.next(b"\x03\r\n+CME ERROR: 843\r\n")
        b.close()
        w.next(b"\r\n+WIPERROR: 2,2,843\r\n")
        w.at(b"AT+WIPDATA=2,1,1", b"\r\n+CME ERROR: 831\r\n")  # it is gone; it still needs a close
        w.at(b"AT+WIPCLOSE=2,1")
        w.at(b"AT+WIPCLOSE=2,2")
    srv.close()


def test_udp_mode_1_datagrams_and_the_escape(wire):
    peer = udp()
    with simulator("wip") as sim:
        w = wire(sim)
        w.at(b'AT+WIPCREATE=1,3,,"127.0.0.1",%d' % peer.getsockname()[1], OK + b"\r\n+WIPREADY: 1,3\r\n")
        w.at(b"AT+WIPDATA=1,3,1", b"\r\nCONNECT\r\n")
        w.send(b"one\x10\x03\x03two\x03")  # ETX ends each datagram; the session goes on
        d1, src = peer.recvfrom(100)
        d2, _ = peer.recvfrom(100)
        assert (d1, d2) == (b"one\x03", b"two")
        peer.sendto(b"in\x10", src)
        w.next(b"in\x10\x10\x03")
        w.send(b"partial")
        w.escape()  # the partial datagram goes; the session's end is an ETX with no datagram
        assert peer.recvfrom(100)[0] == b"partial"


def test_a_peerless_udp_socket_gets_only_announced_datagrams_while_mapped(wire):
    peer = udp()
    with simulator("wip") as sim:
        w = wire(sim)
        w.at(b"AT+WIPCREATE=1,1,5010", OK + b"\r\n+WIPREADY: 1,1\r\n")
        real = ("127.0.0.1", sim.net.real_port(5010, "udp"))
        peer.sendto(b"first", real)
        w.next(b'\r\n+WIPDATA: 1,1,5,"127.0.0.1",%d\r\n' % peer.getsockname()[1])
        w.at(b"AT+WIPDATA=1,1,1", b"\r\nCONNECT\r\nfirst\x03")
        peer.sendto(b"second", real)  # its source could not be told: it waits
        w.escape(b"\x03" + OK + b'\r\n+WIPDATA: 1,1,6,"127.0.0.1",%d\r\n' % peer.getsockname()[1])


def test_late_create_errors_and_nothing_leaves_loopback(wire):
    closed = listener()
    port = closed.getsockname()[1]
    closed.close()
    with simulator("wip") as sim:
        w = wire(sim)
        w.at(b'AT+WIPCREATE=2,1,"127.0.0.1",%d' % port, OK + b"\r\n+CME ERROR: 843\r\n")  # refused
        w.at(b'AT+WIPCREATE=2,1,"192.0.2.1",80', OK + b"\r\n+CME ERROR: 842\r\n")  # not loopback, not mapped
        w.at(b'AT+WIPCREATE=2,1,"no.such.host",80', OK + b"\r\n+CME ERROR: 848\r\n")
        w.at(b'AT+WIPCREATE=1,1,,"no.such.host",80', OK + b"\r\n+CME ERROR: 848\r\n")
        w.at(b"AT+WIPCREATE?", OK)  # each failed create freed its index


def test_command_errors(wire):
    with simulator("wip") as sim:
        w = wire(sim, bearer=False)
        w.at(b"AT+FOO", b"\r\nERROR\r\n")
        w.at(b"AT+WIPCREATE=2,1,\"127.0.0.1\",80", b"\r\n+CME ERROR: 803\r\n")  # stack not started
        w.at(b"AT+WIPCFG=1")
        w.at(b"AT+WIPCFG=1", b"\r\n+CME ERROR: 844\r\n")
        w.at(b"AT+WIPBR=2,6,11,\"apn\"", b"\r\n+CME ERROR: 803\r\n")  # bearer not open
        w.at(b"AT+WIPBR=1,6")
        w.at(b"AT+WIPBR=1,6", b"\r\n+CME ERROR: 804\r\n")
        w.at(b"AT+WIPBR=1,9", b"\r\n+CME ERROR: 800\r\n")
        w.at(b"AT+WIPBR=3,6,15", b'\r\n+WIPBR: 6,15,"0.0.0.0"\r\n' + OK)
        w.at(b'AT+WIPCREATE=1,1,5000', b"\r\n+CME ERROR: 803\r\n")  # bearer not started
        w.at(b"AT+WIPBR=4,6,0")
        w.at(b"AT+WIPBR=3,6,15", b'\r\n+WIPBR: 6,15,"127.0.0.1"\r\n' + OK)
        w.at(b"AT+WIPDATA=2,1,1", b"\r\n+CME ERROR: 831\r\n")
        w.at(b"AT+WIPDATA=3,1,1", b"\r\n+CME ERROR: 837\r\n")
        w.at(b"AT+WIPCREATE=2,1", b"\r\n+CME ERROR: 800\r\n")
        w.at(b"AT+WIPOPT=2,1,1,1", b"\r\n+CME ERROR: 834\r\n")
        w.at(b"AT+CMEE=0")
        w.at(b"AT+WIPCLOSE=2,1", b"\r\nERROR\r\n")
        w.at(b"junk without the prefix" + b"\rAT", OK)  # a line with no AT gets no answer


def test_the_socket_limit(wire):
    with simulator("wip", sockets=1) as sim:
        w = wire(sim)
        w.at(b"AT+WIPCREATE=1,1,5020", OK + b"\r\n+WIPREADY: 1,1\r\n")
        w.at(b"AT+WIPCREATE=1,2,5021", b"\r\n+CME ERROR: 838\r\n")  # no more free socket
        w.at(b"AT+WIPCLOSE=1,1")
        w.at(b"AT+WIPCREATE=1,2,5021", OK + b"\r\n+WIPREADY: 1,2\r\n")


def test_bearer_loss_and_restart(wire, peer_server):
    with simulator("wip") as sim:
        w = wire(sim)
        w.at(b'AT+WIPCREATE=2,1,"127.0.0.1",%d' % peer_server.server_address[1], OK + b"\r\n+WIPREADY: 2,1\r\n")
        w.next(b"\r\n+WIPDATA: 2,1,")  # the peer's greeting
        w.buf = b""
        w.at(b"AT+WIPDATA=2,1,1", b"\r\nCONNECT\r\n")
        w.next(b"peer=")
        w.buf = b""
        sim.fault("lose-context")  # mapped: the session ends, then the bearer's URC
        w.next(b"\x03\r\n+WIPBR: 6,0\r\n")
        w.at(b'AT+WIPCREATE=2,1,"127.0.0.1",1', b"\r\n+CME ERROR: 803\r\n")
        w.at(b"AT+WIPCREATE?", OK)  # every socket went with it
        w.at(b"AT+WIPBR=4,6,0")
        w.at(b'AT+WIPCREATE=2,1,"127.0.0.1",%d' % peer_server.server_address[1], OK + b"\r\n+WIPREADY: 2,1\r\n")
        w.next(b"\r\n+WIPDATA: 2,1,")
        w.buf = b""
        w.at(b"AT+WIPDATA=2,1,1", b"\r\nCONNECT\r\n")
        w.next(b"peer=")
        w.buf = b""
        sim.fault("restart")  # mapped: ETX (the DCD drop), then the boot indication
        w.next(b"\x03\r\n+WIND: 4\r\n")
        w.at(b"AT+WIPCREATE?", b"AT+WIPCREATE?\r\r\nERROR\r\n")  # echo on, CMEE=0, stack stopped


# -- the driver against the simulator (CPython): what the generic tests do not reach ----


@pytest.fixture
def drv():
    from shim._modems import load

    made = []

    def make(sim):
        d = load("wip", {"line": sim.line.path, "guard_ms": sim.guard_ms, "command_timeout_ms": 3000}).driver
        up = threading.Event()
        d.start(True, lambda n, is_up, ip, dns: up.set() if is_up else None)
        assert up.wait(10), "the bearer did not come up"
        made.append(d)
        return d

    yield make
    for d in made:
        d.line.close()  # the reader ends with its line


def test_driver_finds_data_whose_announcement_was_garbled(drv):
    srv = listener()
    with simulator("wip") as sim:
        d = drv(sim)
        s = d.socket(1)
        s.settimeout(15)
        s.connect(("127.0.0.1", srv.getsockname()[1]))
        conn, _ = accept(srv)
        sim.fault("garble")  # the next line the modem says: the +WIPDATA for this
        conn.sendall(b"late")
        assert s.recv(10) == b"late"  # the driver asked AT+WIPDATA? after a while
        s.close()
        conn.close()
    srv.close()


def test_driver_udp_sources_and_replies(drv):
    a, b = udp(), udp()
    with simulator("wip") as sim:
        d = drv(sim)
        u = d.socket(2)
        u.settimeout(10)
        u.bind(("0.0.0.0", 7000))
        real = ("127.0.0.1", sim.net.real_port(7000, "udp"))
        a.sendto(b"from a", real)
        b.sendto(b"from b", real)
        got = {u.recvfrom(100) for _ in range(2)}
        assert got == {(b"from a", a.getsockname()), (b"from b", b.getsockname())}
        u.sendto(b"to a", a.getsockname())  # a socket of its own for that peer, on port 7000
        assert a.recvfrom(100) == (b"to a", real)
        a.sendto(b"again", real)  # now comes through the peer's socket
        assert u.recvfrom(100) == (b"again", a.getsockname())
        u.close()
    a.close()
    b.close()


def test_driver_connect_errors_and_names(drv):
    closed = listener()
    port = closed.getsockname()[1]
    closed.close()
    with simulator("wip", cfg={"hosts": {"example.test": "127.0.0.2"}}) as sim:
        d = drv(sim)
        for addr, errno in ((("127.0.0.1", port), 111), (("192.0.2.1", 80), 113)):
            s = d.socket(1)
            s.settimeout(10)
            with pytest.raises(OSError) as e:
                s.connect(addr)
            assert e.value.args[0] == errno
        assert d.resolve("example.test") == "127.0.0.2"
        with pytest.raises(OSError) as e:
            d.resolve("no.such.host")
        assert e.value.args[0] == -202
