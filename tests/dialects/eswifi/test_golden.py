"""Inventek eS-WiFi AT replies, byte for byte: the multi-accept server
transcript of Inventek's page "TCP Multi-Accept Server & Sockets AT
Commands" and a client/server transcript (as ST's es_wifi driver and
Zephyr's eswifi driver exchange it) replayed against the simulator over its
pty (the driver's end driven by hand), the reply forms those drivers parse
(framing, the Wi-Fi join), and the driver's reply reader fed the same bytes
on the real micropython binary.

Inventek's page is a web page: its "…" is the page's typography (WordPress turns
"..." into an ellipsis); the module prints ASCII "...", and the transcript
is compared with that one substitution."""

import socket
import threading

import pytest

import ptywire
from conftest import Board
from ptywire import PtyWire
from modemkit import simulator

WAIT = "[TCP SVR] Waiting on connection …".replace("…", "...").encode()


def ok(*lines):
    return b"\r\n" + b"".join(x + b"\r\n" for x in lines) + b"OK\r\n> "


class Wire(PtyWire):
    def __init__(self, sim):
        PtyWire.__init__(self, sim)
        assert self.expect(b"\r\n> ") == b""  # the boot prompt

    def cmd(self, text, reply):
        """Send a command: its reply must be exactly the next bytes."""
        self.write(text)
        assert self.expect(reply) == b"", f"{text!r}: unexpected bytes before {reply!r}"

    def ask(self, text):
        """Send a command; its whole reply (up to the next prompt)."""
        self.write(text)
        return self.expect(b"\r\n> ") + b"\r\n> "


wire = ptywire.fixture(Wire)


def join(w):
    # "Join a network first." (Inventek's multi-accept page)
    w.cmd(b"C1=qpyshim\r", ok())
    w.cmd(b"C2=\r", ok())
    w.cmd(b"C3=0\r", ok())
    w.cmd(b"C4=1\r", ok())
    w.cmd(b"C0\r", ok(b"[JOIN   ] qpyshim,127.0.0.1,0,0"))


def recv_exactly(c, n):
    got = b""
    while len(got) < n:
        b = c.recv(n - len(got))
        assert b, f"closed after {got!r}"
        got += b
    return got


def test_inventek_multi_accept_server_transcript(wire):
    with simulator("eswifi") as sim:
        w = wire(sim)
        join(w)
        w.cmd(b"PK=1,3000\r", ok())  # starts keep alive
        w.cmd(b"P1=0\r", ok())  # TCP
        w.cmd(b"P2=5024\r", ok())
        w.cmd(b"P8=6\r", ok())  # backlog
        w.cmd(b"P5=11\r", ok(b"[TCP TSK] Multi-Accept Setup", WAIT))
        port = sim.net.real_port(5024)
        c1 = socket.create_connection(("127.0.0.1", port), timeout=5)
        # The client's own address, as the module sees it.
        assert w.expect(b"\r\n[TCP SVR] Accepted 127.0.0.1:%d\r\n> " % c1.getsockname()[1]) == b""
        c2 = socket.create_connection(("127.0.0.1", port), timeout=5)  # queued in the backlog
        c1.sendall(b"Data from 127.0.0.1")
        w.cmd(b"R0\r", ok(b"Data from 127.0.0.1"))
        w.cmd(b"S3=1\r1", ok(b"1"))  # one byte sent
        assert recv_exactly(c1, 1) == b"1"
        # Close the current client: the queued one is presented after the reply.
        w.cmd(b"P5=10\r", ok(WAIT) + b"\r\n[TCP SVR] Accepted 127.0.0.1:%d\r\n> " % c2.getsockname()[1])
        c1.settimeout(5)
        assert c1.recv(16) == b""
        c2.sendall(b"Data from 127.0.0.1")
        w.cmd(b"R0\r", ok(b"Data from 127.0.0.1"))
        w.cmd(b"S3=1\r2", ok(b"1"))
        assert recv_exactly(c2, 1) == b"2"
        w.cmd(b"P5=0\r", ok(b"[TCP TSK] Killed"))  # shutdown server
        c2.settimeout(5)
        assert c2.recv(16) == b""
        c1.close()
        c2.close()


@pytest.fixture
def echo():
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(4)

    def serve():
        while True:
            try:
                c, _ = ls.accept()
            except OSError:
                return
            with c:
                while data := c.recv(4096):
                    c.sendall(data)

    threading.Thread(target=serve, daemon=True).start()
    yield "127.0.0.1:%d" % ls.getsockname()[1]
    ls.close()


def test_client_and_server_transcript(wire, echo):
    # The TEST-NET address mapped onto a loopback echo server.
    with simulator("eswifi", cfg={"endpoints": {"192.0.2.1:7": echo}}) as sim:
        w = wire(sim)
        join(w)
        for c in (b"P0=0\r", b"P1=0\r", b"P3=192.0.2.1\r", b"P4=7\r", b"P6=1\r"):
            w.cmd(c, b"\r\nOK\r\n> ")
        w.cmd(b"S3=0005\rhello", b"\r\n5\r\nOK\r\n> ")
        w.cmd(b"R1=1460\r", b"\r\nOK\r\n> ")
        w.cmd(b"R2=30\r", b"\r\nOK\r\n> ")
        # R0 answers what has come within R2 (30 ms): an empty payload means
        # the echo is not back yet, so ask again.
        for _ in range(100):
            r = w.ask(b"R0\r")
            if r != b"\r\n\r\nOK\r\n> ":
                break
        assert r == b"\r\nhello\r\nOK\r\n> "
        w.cmd(b"P6=0\r", b"\r\nOK\r\n> ")
        for c in (b"P0=1\r", b"P1=0\r", b"P2=8080\r", b"P8=4\r", b"PK=1,3000\r"):
            w.cmd(c, b"\r\nOK\r\n> ")
        w.cmd(b"P5=11\r", ok(b"[TCP TSK] Multi-Accept Setup", WAIT))
        c = socket.create_connection(("127.0.0.1", sim.net.real_port(8080)), timeout=5)
        assert w.expect(b"\r\n[TCP SVR] Accepted 127.0.0.1:%d\r\n> " % c.getsockname()[1]) == b""
        c.sendall(b"hi there")
        w.cmd(b"R0\r", ok(b"hi there"))
        w.cmd(b"S3=0002\rok", b"\r\n2\r\nOK\r\n> ")
        assert recv_exactly(c, 2) == b"ok"
        w.cmd(b"P5=10\r", ok(WAIT))
        c.settimeout(5)
        assert c.recv(16) == b""
        w.cmd(b"P5=0\r", ok(b"[TCP TSK] Killed"))
        c.close()


def test_join_status_dns_and_the_join_failure(wire):
    with simulator("eswifi", cfg={"hosts": {"www.example.com": "127.0.0.1"}}, ssid="lab") as sim:
        w = wire(sim)
        w.cmd(b"CS\r", ok(b"0"))
        w.cmd(b"C1=elsewhere\r", ok())
        w.cmd(b"C0\r", b"\r\n[JOIN   ] Failed\r\nERROR: Unknown Error\r\nUsage: C0\r\n> ")  # §4.1
        w.cmd(b"D0=www.example.com\r", b"\r\nERROR: Not joined to a network\r\n> ")
        w.cmd(b"C1=lab\r", ok())
        w.cmd(b"C0\r", ok(b"[JOIN   ] lab,127.0.0.1,0,0"))
        w.cmd(b"CS\r", ok(b"1"))
        w.cmd(b"D0=www.example.com\r", ok(b"127.0.0.1"))  # the hosts table only
        w.cmd(b"D0=nowhere.invalid\r", b"\r\nERROR: Host not found\r\n> ")
        assert w.ask(b"C?\r").startswith(b"\r\nlab,,0,1,0,127.0.0.1,")
        w.cmd(b"CD\r", ok())
        w.cmd(b"CS\r", ok(b"0"))


def test_error_replies_and_limits(wire):
    with simulator("eswifi") as sim:
        w = wire(sim)
        w.cmd(b"XY\r", b"\r\nERROR: Unknown command\r\n> ")
        w.cmd(b"P0=4\r", b"\r\nERROR: Invalid parameter\r\nUsage: P0=<0-3>\r\n> ")
        w.cmd(b"R1=1461\r", b"\r\nERROR: Invalid parameter\r\nUsage: R1=<1-1460>\r\n> ")
        w.cmd(b"S3=1461\r", b"\r\nERROR: Invalid parameter\r\nUsage: S3=<1-1460><CR><data>\r\n> ")
        w.cmd(b"R0\r", b"\r\n-1\r\nERROR\r\n> ")  # nothing open on socket 0
        w.cmd(b"S3=2\rhi", b"\r\n-1\r\nERROR\r\n> ")
        w.cmd(b"P6=1\r", b"\r\nERROR: Not joined to a network\r\n> ")
        w.cmd(b"P0=2\r\n", ok())  # CR LF: the LF is no second command
        w.cmd(b"P0\r", ok(b"2"))
        w.cmd(b"P?\r", ok(b"0,0.0.0.0,0,0.0.0.0,0,0,0,1,0,0"))


def test_peer_close_is_minus_one_and_a_reset_says_so(wire):
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(2)
    port = ls.getsockname()[1]
    with simulator("eswifi") as sim:
        w = wire(sim)
        join(w)
        for c in (b"P1=0\r", b"P3=127.0.0.1\r", b"P4=%d\r" % port, b"P6=1\r"):
            w.cmd(c, ok())
        peer, _ = ls.accept()
        peer.sendall(b"bye")
        peer.close()  # FIN after the data: the data is read first
        w.cmd(b"R0\r", ok(b"bye"))
        w.cmd(b"R0\r", b"\r\n-1\r\nERROR\r\n> ")
        w.cmd(b"S3=1\rx", b"\r\n-1\r\nERROR\r\n> ")
        w.cmd(b"P6=0\r", ok())
        w.cmd(b"P6=1\r", ok())
        peer, _ = ls.accept()
        peer.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        peer.close()  # RST
        w.cmd(b"R0\r", b"\r\n-1\r\nERROR: Connection reset\r\n> ")
        w.cmd(b"P6=0\r", ok())
        w.cmd(b"P6=1\r", ok())
        held, _ = ls.accept()
        sim.fault("drop")  # the module's connection is reset under it
        w.cmd(b"R0\r", b"\r\n-1\r\nERROR: Connection reset\r\n> ")
        held.close()
        ls.close()
        w.cmd(b"P6=0\r", ok())
        w.cmd(b"P6=1\r", b"\r\nERROR: Connection refused\r\n> ")
        w.cmd(b"P3=192.0.2.1\r", ok())
        w.cmd(b"P6=1\r", b"\r\nERROR: Host unreachable\r\n> ")  # only loopback is reachable


def test_udp_server_answers_the_last_sender(wire):
    with simulator("eswifi") as sim:
        w = wire(sim)
        join(w)
        for c in (b"P0=1\r", b"P1=1\r", b"P2=7000\r", b"P5=1\r"):
            w.cmd(c, ok())
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind(("127.0.0.1", 0))
        u.settimeout(5)
        u.sendto(b"ping", ("127.0.0.1", sim.net.real_port(7000, "udp")))
        w.cmd(b"R0\r", ok(b"ping"))
        w.cmd(b"P?\r", ok(b"1,127.0.0.1,7000,127.0.0.1,%d,0,1,1,0,0" % u.getsockname()[1]))
        w.cmd(b"S3=4\rpong", ok(b"4"))
        assert u.recvfrom(16) == (b"pong", ("127.0.0.1", sim.net.real_port(7000, "udp")))
        w.cmd(b"P5=0\r", ok())
        # A UDP client: P6=1 towards the host socket.
        for c in (b"P0=2\r", b"P1=1\r", b"P3=127.0.0.1\r", b"P4=%d\r" % u.getsockname()[1], b"P6=1\r"):
            w.cmd(c, ok())
        w.cmd(b"S3=5\rhello", ok(b"5"))
        assert u.recvfrom(16)[0] == b"hello"
        u.close()


def test_the_drivers_reader_parses_inventeks_transcript_on_micropython(tmp_path):
    # The page's reply bytes, as the driver's reader sees them (R0 armed).
    board = Board(tmp_path, "micropython")
    src = (
        "from shim._modems.eswifi.at import Replies\n"
        "got = []\n"
        "r = Replies(lambda ok, w: got.append(('reply', ok, w)), lambda l: got.append(('async', l)))\n"
        "r.busy = True\n"
        "r.feed(%r)\n"
        "r.tag += 1\n"
        "r.arm = 1460\n"
        "for b in %r:\n"
        "    r.feed(bytes([b]))\n"
        "r.arm = 0\n"
        "print(got)\n"
    ) % (ok(b"[TCP TSK] Multi-Accept Setup", WAIT) + b"\r\n[TCP SVR] Accepted 192.168.10.100:34489\r\n> ",
         ok(b"Data from 192.168.10.100\r\n> not a prompt"))
    r = board.run(src)
    assert r.code == 0, r
    assert r.lines == [str([
        ("reply", True, [b"[TCP TSK] Multi-Accept Setup", WAIT]),
        ("async", b"[TCP SVR] Accepted 192.168.10.100:34489"),
        ("reply", True, b"Data from 192.168.10.100\r\n> not a prompt"),
    ])], r


# -- the driver over the simulator: what the generic example and fault tests don't reach --

DRIVER_APP = '''
import usocket, checkNet, _thread
print("net", checkNet.waitNetworkReady(30))
def server(port):
    s = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, usocket.IPPROTO_TCP_SER)
    s.bind(("", port))
    s.listen(2)
    return s
def client(port):
    c = usocket.socket()
    c.settimeout(10)
    c.connect(("127.0.0.1", port))
    return c
a, b = server(9001), server(9002)
c1 = client(9002)  # both servers wait: the driver asks P? whose client it is
c2 = client(9001)
cb, ip, port = b.accept()
ca, ip, port = a.accept()
c1.send(b"to-b")
c2.send(b"to-a")
print("served", cb.recv(8), ca.recv(8))
print("limit", err(usocket.socket().connect, ("127.0.0.1", 9001)))
for s in (cb, c1, b):
    s.close()
c3 = client(9001)  # queued behind c2's connection
c3.send(b"third")
ca.close()  # P5=10: c2's connection ends, c3's is presented
print("c2 end", err(c2.recv, 8))
ca2, ip, port = a.accept()
print("next", ca2.recv(8))
a.close()  # the app still talks to ca2: the server stops when it closes
ca2.send(b"still")
print("after listener close", c3.recv(8))
ca2.settimeout(0.3)
print("timeout", err(ca2.recv, 8))
ca2.setblocking(False)
print("nonblocking", err(ca2.recv, 8))
for s in (ca2, c2, c3):
    s.close()
l = server(9003)
got = []
done = _thread.allocate_lock()
done.acquire()
def waiter():
    got.append(err(l.accept))
    done.release()
_thread.start_new_thread(waiter, ())
print("ready")
done.acquire()  # the accept ends when the link goes
print("accept", got[0])
'''


def test_driver_servers_queue_limits_and_link_loss(tmp_path):
    board = Board(tmp_path, "micropython")
    from modemkit import stack

    with simulator("eswifi") as sim:
        app = board.start(DRIVER_APP, net=stack(sim))
        try:
            app.expect(r"^ready$", timeout=60)
            sim.fault("lose-context")
            m = app.expect(r"^accept (.*)$")
        finally:
            app.kill()
    seen = app.seen
    assert "net (3, 1)" in seen, seen
    assert "served b'to-b' b'to-a'" in seen, seen
    assert any(x.startswith("limit ('OSError', 23,") for x in seen), seen  # four sockets
    assert any(x.startswith("c2 end ('OSError', 107,") for x in seen), seen  # EOF, through usocket
    assert "next b'third'" in seen and "after listener close b'still'" in seen, seen
    assert any(x.startswith("timeout ('OSError', 110,") for x in seen), seen
    assert any(x.startswith("nonblocking ('OSError', 11,") for x in seen), seen
    assert m.group(1).startswith("('OSError', 103,"), m.group(1)  # the association went
