"""Addresses the module has work on the desktop board: a bind to the USBNET
gateway (192.168.43.1 on the module) or to a NIC's static address binds the
loopback address the board config's `addresses` section gives it, and
connects and datagrams to it arrive there; the host socket only ever binds
loopback. A bind to an address the board does not have is refused with
EADDRNOTAVAIL and a `qpyshim:` hint naming the section.

Sources: QuecPython docs API_reference/en/stdlib/usocket.md (bind takes the
module's own (ip, port); the server example binds the data call's address),
QuecPython/examples network-comm/net-protocols/tcp-udp/
example_socket_bind_of_ethernet.py (a socket bound to the Ethernet NIC's
address), QuecPython docs API_reference/en/peripherals/ethernet (a NIC
given no address takes 192.168.1.100), QuecPython docs USBNET (the module is
192.168.43.1 to the PC over RNDIS/ECM); lwIP's EADDRNOTAVAIL is 99, as
Linux's. Every app here runs in a network namespace with only loopback up
(netns=True): traffic to any other address could not go anywhere."""

SERVER = """
import usocket, _thread, utime
done = _thread.allocate_lock()
done.acquire()
peer = []
def serve(srv):
    c, ip, port = srv.accept()
    peer.append(ip)
    c.settimeout(5)
    c.send(b'hello from ' + c.recv(32))
    c.close()
    done.release()
"""


def test_bind_to_the_usbnet_gateway(board):
    r = board.run(SERVER + """
srv = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, usocket.IPPROTO_TCP_SER)
srv.settimeout(5)
print('bind', err(srv.bind, ('192.168.43.1', 80)))
srv.listen(1)
_thread.start_new_thread(serve, (srv,))
c = usocket.socket()
c.settimeout(5)
c.connect(('192.168.43.1', 80))
c.send(b'client')
print('got', c.recv(64))
print('served', done.acquire(1, 5))
c.close()
srv.close()
u = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM)
u.settimeout(5)
u.bind(('192.168.43.1', 5683))
v = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM)
v.sendto(b'dgram', ('192.168.43.1', 5683))
print('udp', u.recvfrom(16)[0])
""", netns=True)
    assert r.code == 0, r
    assert r.value("bind") is None
    assert r.value("got") == b"hello from client"
    assert r.value("served") is True
    assert r.value("udp") == b"dgram"
    # ports remapped (the tests' net map): the stand-in is what the host bound
    assert "192.168.43.1:80 is served at 127.0.0.43:" in r.err, r
    assert "5683 is served at 127.0.0.43:5683" in r.err, r


def test_bind_to_a_nics_static_address(board):
    # The Ethernet NIC's default static address on the module; its stand-in
    # is the NIC's own loopback address, so traffic leaves from the NIC.
    r = board.run(SERVER + """
import ethernet
eth = ethernet.W5500(b'\\x12\\x34\\x56\\x78\\x9a\\xbc', '', '', '', -1, 38, 36, 37, 0)
nic = eth.ipconfig()[1][1]
srv = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, usocket.IPPROTO_TCP_SER)
srv.settimeout(5)
srv.bind((nic, 6100))
srv.listen(1)
_thread.start_new_thread(serve, (srv,))
c = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, usocket.TCP_CUSTOMIZE_PORT)
c.settimeout(5)
print('bind', err(c.bind, ('192.168.1.100', 0)))
c.connect((nic, 6100))
c.send(b'nic')
print('got', c.recv(64))
print('served', done.acquire(1, 5), peer, nic)
""", net={"addresses": {"192.168.1.100": "127.0.0.4"}}, netns=True)
    assert r.code == 0, r
    assert r.value("bind") is None
    assert r.value("got") == b"hello from nic"
    assert r.value("served") == "True ['127.0.0.4'] 127.0.0.4"  # it left from the NIC


def test_bind_to_an_address_the_board_lacks_is_refused_with_a_hint(board):
    r = board.run("""
import usocket
s = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, usocket.IPPROTO_TCP_SER)
print('tcp', err(s.bind, ('10.20.30.40', 80)))
u = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM)
print('udp', err(u.bind, ('172.16.0.1', 5000))[:2])
print('state', s.getsocketsta())
""", netns=True)
    assert r.code == 0, r
    kind, n, text = r.value("tcp")
    assert (kind, n) == ("OSError", 99) and "99" in text, r
    assert r.value("udp") == ("OSError", 99)
    assert "qpyshim: bind 10.20.30.40:80" in r.err and '"addresses"' in r.err, r
    assert "qpyshim: bind 172.16.0.1:5000" in r.err, r
    assert r.value("state") == 0  # still a new socket
