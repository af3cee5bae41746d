"""Wrong calls get a clear exception, never a crash or a hang: a table of bad
input and wrong-state calls on usocket, dataCall and checkNet, each with the
exact exception QuecPython raises (where the spec says) or the clear one the
layer gives (TypeError/ValueError with a message, OSError with a Linux errno).

Every call is evaluated in one app per runtime (micropython, cpython), run
in-process on a fresh board (tests/inproc/host.py run_apps); the parametrised
tests only read those two transcripts. Sockets all have timeouts,
and the only peers are loopback sockets the app makes itself on ports above
1024, so no case can hang or send anything off the machine."""

from concurrent.futures import ThreadPoolExecutor

import pytest

RUNTIMES = ("micropython", "cpython")
BOTH = RUNTIMES
MSG_PROFILE = "invalid value, profileID should be in [1,3]."  # spec 2.1 (SRC25 dataCall.py)
# dial.start/stop/getInfo check the model's own range (QuecPython/micropython
# ports/quectel/moddatacall.c); the default board is an EC600U: 1-7 (docs cellLocator.md)
MSG_DIAL = "invalid value, profileID should be in [1,7]."
MSG_TIMEOUT = "timeout_s should be in [1, 3600]s!"  # spec 3.1
WARN_OPTION = "Warning: lwip.setsockopt() option not implemented"  # spec 1.3 setsockopt

# (call, what it gives, detail). What it gives is an exception type name, or
# "ok" for a wrong call that must be harmless. Detail: the errno (OSError),
# the exact message where QuecPython defines one, the return value for "ok",
# or None for "any message".
#
# Objects the snippet makes (every socket has a timeout):
#   s   TCP, settimeout(2), never connected; only calls that fail before they
#       change its state touch it
#   u   UDP, never bound or connected         ub  UDP bound to 127.0.0.1
#   b   TCP bound to 127.0.0.1                s6  AF_INET6 TCP, never connected
#   l   TCP listener on 127.0.0.1:lport       d   TCP bound to dport, never
#                                                 listening: connects are refused
#   k,a a connected pair (k client, a accepted)
#   k2  a client whose accepted peer has closed
#   nb  connected, non-blocking               sh  connected, 0.2 s timeout
#   ls  listener with a 0.2 s timeout         lnb listener, non-blocking
#   f   TCP whose connect to dport was refused
#   c   closed TCP   cu  closed UDP   cl  closed listener   a2  closed accepted
#   tcp() / bound() a fresh TCP socket (bound to 127.0.0.1), closed at the end
#   send_then_connect() a fresh socket: send (fails), connect to l, getsocketsta()
CASES = [
    # usocket.socket(): wrong types, out-of-range values, too many arguments
    ("usocket.socket('a')", "TypeError", None),
    ("usocket.socket(2.0)", "TypeError", None),
    ("usocket.socket(None)", "TypeError", None),
    ("usocket.socket(99)", "OSError", 22),
    ("usocket.socket(-1)", "OSError", 22),
    ("usocket.socket(2, 99)", "OSError", 22),
    ("usocket.socket(2, 1, 'tcp')", "TypeError", None),
    ("usocket.socket(2, 1, 6, 0)", "TypeError", None),  # QuecPython takes 0-3 args (spec 1.2)
    # connect(): malformed addresses
    ("s.connect('127.0.0.1')", "TypeError", None),
    ("s.connect(None)", "TypeError", None),
    ("s.connect(('127.0.0.1',))", "TypeError", None),
    ("tcp().connect(('127.0.0.1', 1, 2))", "TypeError", None),
    ("s.connect((1234, 80))", "TypeError", None),
    # a digit-string port is read by getaddrinfo, as the firmware's connect does
    # (QuecPython/micropython v1.0.0 ports/quectel/modsocket.c socket_connect)
    ("tcp().connect(('127.0.0.1', str(dport)))", "OSError", 111),
    ("s.connect(('127.0.0.1', 'http'))", "OSError", -201),  # lwIP EAI_SERVICE
    ("s.connect(('127.0.0.1', '70000'))", "ValueError", None),  # as getaddrinfo's
    ("s.connect(('127.0.0.1', 70000))", "ValueError", None),
    ("s.connect(('127.0.0.1', -1))", "ValueError", None),
    ("s.connect(('not a host', 80))", "OSError", -202),  # getaddrinfo failure (spec 1.4)
    ("s.connect(('1.2.3', 80))", "OSError", -202),
    ("s.connect(('256.0.0.1', 80))", "OSError", -202),
    ("s.connect(('::g', 80))", "OSError", -202),
    ("s.connect(('a' * 300, 80))", "OSError", -202),  # longer than a DNS name can be
    ("tcp().connect(('::1', dport))", "OSError", 22),  # IPv6 address, IPv4 socket
    ("s6.connect(('127.0.0.1', dport))", "OSError", 22),  # IPv4 address, IPv6 socket
    # connect(): wrong state
    ("tcp().connect(('127.0.0.1', dport))", "OSError", 111),  # nobody listens there
    ("f.connect(('127.0.0.1', lport))", "OSError", 114),  # retry after a failed connect (spec 1.3)
    ("k.connect(('127.0.0.1', lport))", "OSError", 114),  # connect twice
    ("a.connect(('127.0.0.1', lport))", "OSError", 114),  # an accepted socket is connected
    ("l.connect(('127.0.0.1', lport))", "OSError", 114),  # listen counts as connected (spec 1.3)
    # bind(): IP literals only (spec 1.3), malformed addresses, wrong state
    ("s.bind('127.0.0.1')", "TypeError", None),
    ("s.bind(('127.0.0.1', 1.5))", "TypeError", None),
    ("s.bind(('127.0.0.1', 'x'))", "OSError", -201),  # a port string is read as getaddrinfo reads it
    ("s.bind(('127.0.0.1', 65536))", "ValueError", None),
    ("s.bind(('1.2.3', 80))", "OSError", 22),
    ("s.bind(('10.20.30.40', 80))", "OSError", 99),  # not the board's (config "addresses")
    ("s.bind(('300.1.1.1', 80))", "OSError", 22),
    ("s.bind(('::g', 0))", "OSError", 22),
    ("s.bind(('localhost', 80))", "OSError", 22),
    ("s.bind(('a' * 300, 0))", "OSError", 22),
    ("s.bind(('::1', 0))", "OSError", 22),  # IPv6 literal, IPv4 socket
    ("s6.bind(('127.0.0.1', 0))", "OSError", 22),  # IPv4 literal, IPv6 socket
    ("b.bind(('127.0.0.1', 0))", "OSError", 22),  # bind twice
    ("ub.bind(('127.0.0.1', 0))", "OSError", 22),  # bind twice, UDP
    ("k.bind(('127.0.0.1', 0))", "OSError", 22),  # bind a connected socket
    ("tcp().bind(('127.0.0.1', lport))", "OSError", 98),  # the listener has it
    # listen()
    ("s.listen('x')", "TypeError", None),
    ("s.listen(1.5)", "TypeError", None),
    ("s.listen(None)", "TypeError", None),
    ("u.listen(1)", "OSError", 95),  # listen on UDP
    ("k.listen(1)", "OSError", 22),  # listen on a connected socket
    ("a.listen(1)", "OSError", 22),
    # accept(): not listening, nobody calling
    ("s.accept()", "OSError", 22),
    ("k.accept()", "OSError", 22),  # lwIP: ERR_CLSD on a TCP netconn -> EINVAL, as Linux
    ("u.accept()", "OSError", 95),  # lwIP and Linux: EOPNOTSUPP on UDP
    ("ls.accept()", "OSError", 110),  # timeout (spec 1.3)
    ("lnb.accept()", "OSError", 11),  # non-blocking, nobody waiting (spec 1.3)
    # recv/send family on a stream socket that never connected: lwIP ENOTCONN
    ("s.recv(1)", "OSError", 107),  # spec 1.5
    ("s.recvfrom(1)", "OSError", 107),
    ("s.read(1)", "OSError", 107),
    ("s.read(-1)", "OSError", 107),  # -1: read to the end, as read()
    ("s.readline()", "OSError", 107),
    ("s.readinto(bytearray(1))", "OSError", 107),
    ("tcp().readinto(bytearray(1), -1)", "OSError", 107),
    ("s.send(b'x')", "OSError", 107),  # lwIP tcp_write: ERR_CONN -> ENOTCONN
    ("s.sendall(b'x')", "OSError", 107),
    ("s.write(b'x')", "OSError", 107),
    ("s.sendto(b'x', ('127.0.0.1', dport))", "OSError", 107),  # sendto on TCP is send
    ("l.recv(1)", "OSError", 107),  # a listener is not connected either
    ("l.send(b'x')", "OSError", 107),
    # recv/send: wrong types and sizes
    ("s.recv(-1)", "ValueError", None),
    ("u.recv(-1)", "ValueError", None),
    ("u.recvfrom(-1)", "ValueError", None),
    ("s.recv('x')", "TypeError", None),
    ("s.recv(None)", "TypeError", None),
    ("u.recvfrom('x')", "TypeError", None),
    ("s.recv(10**20)", "OverflowError", None),
    ("s.send(123)", "TypeError", None),
    ("s.readinto(b'x')", "TypeError", None),  # immutable buffer
    # recv on sockets whose peer went or that have nothing to read
    ("k2.recv(1)", "OSError", 107),  # the peer closed (spec 1.5)
    ("nb.recv(1)", "OSError", 11),  # spec 1.5
    ("nb.read(1)", "OSError", 11),
    ("sh.recv(1)", "OSError", 110),  # spec 1.5
    # UDP
    ("u.send(b'x')", "OSError", 89),  # no destination
    ("u.sendto(b'x')", "TypeError", None),
    ("u.sendto(b'x', '127.0.0.1')", "TypeError", None),
    ("u.sendto(b'x', ('127.0.0.1', 99999))", "ValueError", None),
    ("u.sendto(b'x', ('127.0.0.1', '8o'))", "OSError", -201),  # not digits: lwIP EAI_SERVICE
    ("u.sendto(b'x', ('not-an-ip', 80))", "ValueError", None),  # IPv4 literals only (spec 1.3)
    ("u.sendto(b'x', ('256.0.0.1', 80))", "ValueError", None),
    ("u.sendto(b'x', ('', 80))", "ValueError", None),
    ("u.sendto(b'x', ('a' * 300, 80))", "ValueError", None),
    ("u.sendto(b'x', ('::1', dport))", "ValueError", None),  # IPv4 literals only (spec 1.3)
    ("u.sendto(b'x' * 70000, ('127.0.0.1', dport))", "OSError", 90),  # larger than a datagram
    ("u.connect(('127.0.0.1', 70000))", "ValueError", None),
    # settimeout / setsockopt
    ("s.settimeout(-1)", "ValueError", None),
    ("s.settimeout(-0.5)", "ValueError", None),
    ("s.settimeout(float('nan'))", "ValueError", None),
    ("s.settimeout('x')", "TypeError", None),
    ("s.setsockopt(usocket.SOL_SOCKET, usocket.TCP_KEEPALIVE, 'x')", "TypeError", None),
    ("s.setsockopt(usocket.SOL_SOCKET, usocket.TCP_KEEPALIVE, 1.5)", "TypeError", None),
    ("s.setsockopt(usocket.SOL_SOCKET, usocket.TCP_KEEPALIVE, 500)", "ValueError", None),
    ("s.setsockopt(usocket.SOL_SOCKET, usocket.TCP_KEEPALIVE, 121)", "ValueError", None),
    ("s.setsockopt(usocket.SOL_SOCKET, usocket.TCP_KEEPALIVE, -1)", "ValueError", None),
    # every method on a closed socket
    ("c.connect(('127.0.0.1', dport))", "OSError", 9),
    ("c.bind(('127.0.0.1', 0))", "OSError", 9),
    ("c.listen(1)", "OSError", 9),
    ("c.accept()", "OSError", 9),
    ("c.send(b'x')", "OSError", 9),
    ("c.sendall(b'x')", "OSError", 9),
    ("c.sendto(b'x', ('127.0.0.1', dport))", "OSError", 9),
    ("c.recv(1)", "OSError", 9),
    ("c.recvfrom(1)", "OSError", 9),
    ("c.read(1)", "OSError", 9),
    ("c.readinto(bytearray(1))", "OSError", 9),
    ("c.readline()", "OSError", 9),
    ("c.write(b'x')", "OSError", 9),
    ("c.settimeout(1)", "OSError", 9),
    ("c.setblocking(True)", "OSError", 9),
    ("c.setsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR, 1)", "OSError", 9),
    ("c.setsockopt(usocket.SOL_SOCKET, usocket.TCP_KEEPALIVE, 1)", "OSError", 9),
    ("cu.sendto(b'x', ('127.0.0.1', dport))", "OSError", 9),
    ("cu.recvfrom(1)", "OSError", 9),
    ("cl.accept()", "OSError", 9),
    # wrong calls that must be harmless
    ("c.close()", "ok", None),  # double close
    ("cu.close()", "ok", None),
    ("a2.close()", "ok", None),
    ("c.getsocketsta()", "ok", -1),  # -1 after close (spec 1.3)
    ("cu.getsocketsta()", "ok", -1),
    ("cl.getsocketsta()", "ok", -1),
    ("f.getsocketsta()", "ok", 0),  # a refused connect reads as CLOSED
    ("c.fileno()", "ok", -1),
    ("c.makefile() is c", "ok", True),
    ("repr(c)[:15]", "ok", "<usocket.socket"),
    ("s.setsockopt(usocket.SOL_SOCKET, 99, 1)", "ok", None),  # warns, no exception (spec 1.3)
    ("u.setsockopt(usocket.SOL_SOCKET, usocket.TCP_KEEPALIVE, 5)", "ok", None),  # stream only
    ("bound().listen(-1)", "ok", None),  # negative backlogs are clamped (spec 1.3)
    ("send_then_connect()", "ok", 4),  # a failed send before connect leaves it able to connect
    # Issue 14: sizes, timeouts, backlogs, protocol numbers and NUL bytes are
    # checked before the interpreter sees them (it would crash, allocate the
    # value up front, or wrap it). The module reads each int with
    # mp_obj_get_int: past its 32-bit word that is OverflowError
    # (QuecPython/micropython v1.0.0 ports/quectel/modsocket.c).
    # recv/recvfrom allocate bufsize before reading (modsocket.c
    # _socket_recvfrom): a size the word holds is clamped to 64 KiB, what one
    # call can return, and the data still arrives.
    ("big('recv', 10**9)", "ok", 2),
    ("big('recv', 2**31 - 1)", "ok", 2),
    ("big('recvfrom', 10**9)", "ok", 2),
    ("big('read', 10**9)", "ok", 2),
    ("big('read', 65537)", "ok", 2),
    ("s.recv(2**31)", "OverflowError", None),
    ("u.recv(2**31)", "OverflowError", None),
    ("s.recvfrom(2**31)", "OverflowError", None),
    ("u.recvfrom(2**31)", "OverflowError", None),
    ("u.recvfrom(-2**40)", "OverflowError", None),
    ("s.recv(1.5)", "TypeError", None),
    ("u.recvfrom(1.5)", "TypeError", None),
    # read(): None and -1 read to the end (MicroPython's stream read); any
    # other negative size would be allocated as 2**64 bytes
    ("k.read(-5)", "ValueError", None),
    ("s.read(-5)", "ValueError", None),
    ("k.read(-2**40)", "OverflowError", None),
    ("k.read(2**40)", "OverflowError", None),
    ("k.read(1.5)", "TypeError", None),
    ("nb.read(-5)", "ValueError", None),
    # settimeout: the module counts a timeout in 100 ms polls in a 32-bit
    # word (modsocket.c _socket_settimeout): at most 429496729 s
    ("s.settimeout(1e308)", "OverflowError", None),
    ("s.settimeout(float('inf'))", "OverflowError", None),
    ("s.settimeout(2**64)", "OverflowError", None),
    ("s.settimeout(429496730)", "OverflowError", None),
    ("s.settimeout(float('-inf'))", "ValueError", None),
    ("u.settimeout(1e308)", "OverflowError", None),
    ("tcp().settimeout(429496729)", "ok", None),
    ("long_timeout()", "ok", 2),
    # listen(): lwIP keeps the backlog in a byte (lwip_listen clamps to 255)
    ("s.listen(2**40)", "OverflowError", None),
    ("s.listen(-2**40)", "OverflowError", None),
    ("bound().listen(1000)", "ok", None),
    ("bound().listen(2**31 - 1)", "ok", None),
    # socket(): the module keeps proto in a byte; af and type are words
    ("usocket.socket(2, 1, -1)", "OSError", 22),
    ("usocket.socket(2, 1, 256)", "OSError", 22),
    ("usocket.socket(2, 2, -17)", "OSError", 22),
    ("usocket.socket(2, 1, 2**40)", "OverflowError", None),
    ("usocket.socket(2**40)", "OverflowError", None),
    ("usocket.socket(2, 2**40)", "OverflowError", None),
    ("usocket.socket(2, 1, 1.5)", "TypeError", None),
    # NUL bytes: the C stack stops at the NUL and would use the address
    # before it; no address or name holds one
    ("s.bind(('127.0.0.1\\x00', 0))", "OSError", 22),
    ("s.bind(('\\x00', 0))", "OSError", 22),
    ("u.bind(('127.0.0.1\\x00', 0))", "OSError", 22),
    ("s.connect(('127.0.0.1\\x00evil', dport))", "OSError", 22),
    ("u.connect(('127.0.0.1\\x00', dport))", "OSError", 22),
    ("u.sendto(b'x', ('127.0.0.1\\x00', dport))", "OSError", 22),
    ("usocket.getaddrinfo('127.0.0.1\\x00evil', 80)", "OSError", -202),
    ("usocket.getaddrinfo('localhost\\x00', 80)", "OSError", -202),
    ("usocket.getaddrinfo('\\x00', 80)", "OSError", -202),
    # getaddrinfo
    ("usocket.getaddrinfo()", "TypeError", None),
    ("usocket.getaddrinfo('localhost')", "TypeError", None),
    ("usocket.getaddrinfo(None, 80)", "TypeError", None),
    ("usocket.getaddrinfo('localhost', None)", "TypeError", None),
    ("usocket.getaddrinfo('localhost', 1.5)", "TypeError", None),
    ("usocket.getaddrinfo('localhost', 70000)", "ValueError", None),
    ("usocket.getaddrinfo('localhost', -1)", "ValueError", None),
    ("usocket.getaddrinfo('localhost', '99999')", "ValueError", None),
    ("usocket.getaddrinfo('localhost', 'http')", "OSError", -201),  # lwIP EAI_SERVICE
    ("usocket.getaddrinfo('1.2.3', 80)", "OSError", -202),
    ("usocket.getaddrinfo('256.0.0.1', 80)", "OSError", -202),
    ("usocket.getaddrinfo('::g', 80)", "OSError", -202),
    ("usocket.getaddrinfo('a' * 300, 80)", "OSError", -202),
    # dataCall: profile ids (spec 2.1), ipType, flags, strings
    ("dataCall.getInfo('1', 0)", "ValueError", MSG_DIAL),
    ("dataCall.getInfo(0, 0)", "ValueError", MSG_DIAL),
    ("dataCall.getInfo(8, 0)", "ValueError", MSG_DIAL),
    ("dataCall.getInfo(1.0, 0)", "ValueError", MSG_DIAL),
    ("dataCall.getInfo(1, 3)", "ValueError", None),
    ("dataCall.getInfo(1, -1)", "ValueError", None),
    ("dataCall.getInfo(1, '0')", "ValueError", None),
    ("dataCall.getInfo(1)", "TypeError", None),
    ("dataCall.activate(0)", "ValueError", MSG_DIAL),
    ("dataCall.activate(8)", "ValueError", MSG_DIAL),
    ("dataCall.activate('1')", "ValueError", MSG_DIAL),
    ("dataCall.activate(None)", "ValueError", MSG_DIAL),
    ("dataCall.deactivate(0)", "ValueError", MSG_DIAL),
    ("dataCall.deactivate(8)", "ValueError", MSG_DIAL),
    ("dataCall.deactivate(-1)", "ValueError", MSG_DIAL),
    ("dataCall.start(0)", "ValueError", MSG_DIAL),
    ("dataCall.stop(8, 0)", "ValueError", MSG_DIAL),
    ("dataCall.getPDPContext(0)", "ValueError", MSG_DIAL),
    ("dataCall.getPDPContext(8)", "ValueError", MSG_DIAL),
    ("dataCall.setPDPContext(0, 0, '', '', '', 0)", "ValueError", MSG_DIAL),
    ("dataCall.setPDPContext(1, 3, '', '', '', 0)", "ValueError", None),
    ("dataCall.setPDPContext(1, '0', '', '', '', 0)", "ValueError", None),
    ("dataCall.setPDPContext(1, 0, '', '', '', 4)", "ValueError", None),
    ("dataCall.setPDPContext(1, 0, 123, '', '', 0)", "ValueError", None),
    ("dataCall.setPDPContext(1, 0, 'x' * 65, '', '', 0)", "ValueError", None),
    ("dataCall.setPDPContext(1, 0, '\\xe9' * 33, '', '', 0)", "ValueError", None),  # 66 bytes
    ("dataCall.setPDPContext(1, 0, '', 'u' * 65, '', 0)", "ValueError", None),
    ("dataCall.setPDPContext(1, 0, '', '', 'p' * 65, 0)", "ValueError", None),
    ("dataCall.setAutoActivate(0, 1)", "ValueError", MSG_PROFILE),
    ("dataCall.setAutoActivate(1, 2)", "ValueError", None),
    ("dataCall.setAutoConnect(4, 1)", "ValueError", MSG_PROFILE),
    ("dataCall.setAutoConnect(1, -1)", "ValueError", None),
    ("dataCall.setDNSServer(4, 0, '1.1.1.1', '1.0.0.1')", "ValueError", MSG_PROFILE),
    ("dataCall.setDNSServer(1, 1, '1.1.1.1', '1.0.0.1')", "ValueError", None),  # simID only 0
    ("dataCall.setDNSServer(1, 0, 'x', 'y')", "ok", -1),  # 0 / -1 (spec 2.1)
    ("dataCall.setDNSServer(1, 0, '256.1.1.1', '1.1.1.1')", "ok", -1),
    ("dataCall.setDNSServer(1, 0, None, None)", "ok", -1),
    ("dataCall.setCallback(5)", "TypeError", None),
    ("dataCall.setCallback('f')", "TypeError", None),
    # checkNet: timeout 1-3600 s (spec 3.1)
    ("checkNet.waitNetworkReady(0)", "OSError", MSG_TIMEOUT),
    ("checkNet.waitNetworkReady(3601)", "OSError", MSG_TIMEOUT),
    ("checkNet.waitNetworkReady(-5)", "OSError", MSG_TIMEOUT),
    ("checkNet.waitNetworkReady(1.5)", "OSError", MSG_TIMEOUT),
    ("checkNet.waitNetworkReady(None)", "OSError", MSG_TIMEOUT),
    ("checkNet.waitNetworkReady('30')", "OSError", MSG_TIMEOUT),
    ("checkNet.wait_network_connected(0)", "OSError", MSG_TIMEOUT),
    ("checkNet.CheckNetwork('a', 'b').wait_network_connected(3601)", "OSError", MSG_TIMEOUT),
]

# Calls the layer gets wrong today: call -> (runtimes where it is wrong, what
# happens now). Each is expected to fail on those runtimes (strict xfail) and
# must pass once shim/ is fixed; then delete its entry here.
KNOWN_WRONG = {}  # none today

SNIPPET = """
import usocket, dataCall, checkNet, utime

made = []


def tcp(t=1, proto=usocket.IPPROTO_TCP, af=usocket.AF_INET):
    x = usocket.socket(af, usocket.SOCK_STREAM, proto)
    made.append(x)
    x.settimeout(t)
    return x


def udp(t=1):
    x = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM)
    made.append(x)
    x.settimeout(t)
    return x


def free_bind(x):
    # A free loopback port above 1024, chosen here and retried while taken.
    base = 20000 + utime.ticks_us() % 10000
    for i in range(300):
        try:
            x.bind(('127.0.0.1', base + i))
            return base + i
        except OSError as e:
            if e.args[0] != 98:
                raise
    raise OSError(98)


def bound():
    x = tcp()
    free_bind(x)
    return x


def listener(t=1):
    x = tcp(t, usocket.IPPROTO_TCP_SER)
    p = free_bind(x)
    x.listen(4)
    return x, p


def pair():
    x = tcp()
    x.connect(('127.0.0.1', lport))
    y = l.accept()[0]
    made.append(y)
    y.settimeout(1)
    return x, y


def big(method, size):
    # A fresh pair: the client sends 2 bytes and closes; the accepted side
    # asks for `size` and must get them.
    x, y = pair()
    x.send(b'hi')
    x.close()
    return len(getattr(y, method)(size)[0] if method == 'recvfrom' else getattr(y, method)(size))


def long_timeout():
    # The longest timeout the module can count is kept, and data flows under it.
    x, y = pair()
    x.settimeout(429496729)
    y.send(b'hi')
    return len(x.recv(10))


def send_then_connect():
    x = tcp()
    err(x.send, b'x')
    x.connect(('127.0.0.1', lport))
    y = l.accept()[0]
    made.append(y)
    return x.getsocketsta()


s = usocket.socket()
made.append(s)
s.settimeout(2)
u = udp()
ub = udp()
free_bind(ub)
b = bound()
c = usocket.socket()
c.close()
cu = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM)
cu.close()
l, lport = listener()
d = tcp()
dport = free_bind(d)  # bound but not listening: connecting there is refused
k, a = pair()
k2, a2 = pair()
a2.close()
nb, _ = pair()
nb.settimeout(0)
sh, _ = pair()
sh.settimeout(0.2)
ls, _ = listener(0.2)
lnb, _ = listener(0)
cl, _ = listener()
cl.close()
f = tcp()
print('refused', err(f.connect, ('127.0.0.1', dport)))
try:
    s6 = tcp(af=usocket.AF_INET6)
except OSError:
    s6 = None  # no IPv6 on this host: its cases are skipped
print('has_v6', s6 is not None)


def attempt(call):
    box = []
    e = err(lambda: box.append(eval(call)))
    if e is not None:
        return e
    v = box[0]
    if v is None or isinstance(v, (bool, int, str)):
        return ('ok', v)
    return ('ok', '<%s>' % type(v).__name__)


for i, call in enumerate(CALLS):
    print('case%d' % i, attempt(call))
print('close twice', c.close(), c.getsocketsta())
for x in made:
    x.close()
print('done', 1)
"""


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """The two transcripts, made once per test session even when xdist splits
    this file over several workers (tests/inproc/host.py once): the app runs
    in-process, on a fresh board, in one interpreter per runtime."""
    from conftest import Result
    from inproc.host import once, run_apps

    code = "CALLS = %r\n" % [c for c, _, _ in CASES] + SNIPPET

    def one(rt):
        return rt, once(tmp_path_factory, "bad_input_" + rt,
                        lambda work: run_apps({"bad_input": {"source": code}}, rt, work, 90)["bad_input"])

    with ThreadPoolExecutor(2) as pool:
        data = dict(pool.map(one, RUNTIMES))
    return {rt: Result(v["code"], v["out"], v["err"]) for rt, v in data.items()}


def _params():
    out = []
    for i, (call, _, _) in enumerate(CASES):
        wrong, now = KNOWN_WRONG.get(call, ((), ""))
        for rt in RUNTIMES:
            marks = [pytest.mark.xfail(strict=True, reason="known wrong: " + now)] if rt in wrong else []
            out.append(pytest.param(rt, i, id="%s-%s" % (rt, call), marks=marks))
    return out


@pytest.mark.parametrize("rt,i", _params())
def test_bad_call(results, rt, i):
    r = results[rt]
    assert r.code == 0 and r.value("done") == 1, r
    call, kind, detail = CASES[i]
    if "s6" in call and not r.value("has_v6"):
        pytest.skip("no IPv6 sockets on this host")
    got = r.value("case%d" % i)
    if kind == "ok":
        assert got == ("ok", detail), (call, got)
        return
    assert got[0] != "ok", f"{call} raised nothing, returned {got[1]!r}"
    assert got[0] == kind, (call, got)
    if detail is not None:
        assert got[1] == detail, (call, got)
    assert got[2], (call, "an exception without a message", got)
    if kind == "OSError" and isinstance(detail, int):
        assert str(detail) in got[2], (call, "str(e) must hold the errno", got)


def test_cases_are_distinct():
    calls = [c for c, _, _ in CASES]
    assert len(calls) == len(set(calls))
    assert set(KNOWN_WRONG) <= set(calls)
    assert len(calls) >= 60


@pytest.mark.parametrize("rt", RUNTIMES)
def test_setup_and_harmless_extras(results, rt):
    r = results[rt]
    assert r.code == 0 and r.value("done") == 1, r
    assert r.value("refused")[:2] == ("OSError", 111)  # connect to a closed loopback port
    assert r.out.count("close twice None -1") == 1, r
    assert WARN_OPTION in r.out, r  # the unknown setsockopt option only warns
