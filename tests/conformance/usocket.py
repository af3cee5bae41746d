"""usocket: QuecPython's sockets (27 of 31 sampled apps use it). Every peer is
a loopback socket the app makes; every socket has a timeout."""
from conformance._kit import R, Raises

D = "DOC API_reference/en/stdlib/usocket.md"
ST = "STUB usocket.pyi"
C = "SRC25 ports/quectel/modsocket.c"
C21 = "SRC21 ports/quectel/core/source/modsocket.c"
ERR = "DOC API_reference/en/errcode/README.md"
EX = "EX network-comm/net-protocols/tcp-udp"

PRELUDE = r'''
import usocket, utime, _thread

made = []


def keep(s, t=2):
    made.append(s)
    s.settimeout(t)
    return s


def tcp(proto=usocket.IPPROTO_TCP, t=2):
    return keep(usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, proto), t)


def udp(t=2):
    return keep(usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM, usocket.IPPROTO_UDP), t)


def free_bind(s):
    # QuecPython has no getsockname: pick a free loopback port ourselves.
    base = 30000 + utime.ticks_us() % 20000
    for i in range(300):
        try:
            s.bind(('127.0.0.1', base + i))
            return base + i
        except OSError as e:
            if e.args[0] != 98:
                raise
    raise OSError(98)


def listener(t=2):
    s = tcp(usocket.IPPROTO_TCP_SER, t)
    p = free_bind(s)
    s.listen(5)
    return s, p


L, LPORT = listener()
# Connect-only rows go to SINK, never accepted, so that L's queue holds only
# the connection pair() is about to accept.
SINK, SPORT = listener()
SINK.listen(32)
DEAD = tcp()
DPORT = free_bind(DEAD)  # bound, never listening: connecting there is refused


def pair():
    k = tcp()
    k.connect(('127.0.0.1', LPORT))
    a, ip, port = L.accept()
    keep(a)
    return {'k': k, 'a': a, 'ip': ip, 'port': port}


def accepted():
    k = tcp()
    k.connect(('127.0.0.1', LPORT))
    t = L.accept()
    keep(t[0])
    return {'t': t, 'k': k}


def fin():
    d = pair()
    d['a'].send(b'bye')
    d['a'].close()
    return d


def fin_read():
    d = fin()
    d['k'].recv(3)
    d['eof1'] = err(d['k'].recv, 10)
    return d


def fin_all():
    d = pair()
    d['a'].send(b'abc')
    d['a'].send(b'def\n')
    d['a'].close()
    return d


def from_nb_listener():
    # a pending connection accepted from a non-blocking listener, and a
    # thread that sends to it 100 ms later
    l, p = listener(2)
    k = tcp()
    k.connect(('127.0.0.1', p))
    l.settimeout(0)
    a = None
    for _ in range(200):
        try:
            a = l.accept()[0]
            break
        except OSError:
            utime.sleep_ms(10)
    made.append(a)
    def later():
        utime.sleep_ms(100)
        k.send(b'late')
    _thread.start_new_thread(later, ())
    return {'a': a, 'k': k}


def nb():
    d = pair()
    d['k'].settimeout(0)
    return d


def udp2():
    u1, u2 = udp(), udp()
    return {'u1': u1, 'u2': u2, 'p1': free_bind(u1), 'p2': free_bind(u2)}


def dgram():
    d = udp2()
    d['u1'].sendto(b'ping', ('127.0.0.1', d['p2']))
    return d


def refused():
    f = tcp()
    e = err(f.connect, ('127.0.0.1', DPORT))
    return {'f': f, 'e': e}


def closed():
    s = usocket.socket()
    s.close()
    return {'c': s}


def recv_all(s, n):
    b = b''
    while len(b) < n:
        d = s.recv(4096)
        if not d:
            break
        b += d
    return b


def catch(f, *a):
    try:
        f(*a)
    except OSError as e:
        return e


def estr(f, *a):
    try:
        f(*a)
    except OSError as e:
        return str(e)


def finish():
    for s in made:
        s.close()
'''

ROWS = [
    # constants (lwIP values as QuecPython exports them)
    R(None, "usocket.AF_INET", 2, D + " Constants; DOC FAQ getaddrinfo printout"),
    R(None, "usocket.AF_INET6", 10, D + " Constants; SRC25 ports/quectel/py/umqtt.py i[0] == 10"),
    R(None, "usocket.SOCK_STREAM", 1, D + " Constants"),
    R(None, "usocket.SOCK_DGRAM", 2, D + " Constants"),
    R(None, "usocket.SOCK_RAW", 3, D + " Constants"),
    R(None, "usocket.IPPROTO_IP", 0, C + " globals table"),
    R(None, "usocket.IPPROTO_TCP", 6, D + " Constants"),
    R(None, "usocket.IPPROTO_UDP", 17, D + " Constants"),
    R(None, "usocket.IPPROTO_TCP_SER", 7, D + " Constants; " + C + " MP_ROM_INT(7)"),
    R(None, "usocket.TCP_CUSTOMIZE_PORT", 8, D + " Constants; " + C + " MP_ROM_INT(8)"),
    R(None, "usocket.SOL_SOCKET", 0xFFF, D + " Constants (lwIP sockets.h)"),
    R(None, "usocket.SO_REUSEADDR", 4, D + " Constants (lwIP sockets.h)"),
    R(None, "usocket.TCP_KEEPALIVE", 2, D + " Constants (lwIP sockets.h)"),
    # socket(): arguments and the new socket's state
    R(None, "type(usocket.socket()).__name__", "socket", D + " usocket.socket(af=AF_INET, type=SOCK_STREAM)"),
    R(None, "keep(usocket.socket()).getsocketsta()", 0, D + " getsocketsta: 0 CLOSED"),
    R(None, "keep(usocket.socket(usocket.AF_INET)).getsocketsta()", 0, C + " socket_make_new: 0-3 positional args"),
    R(None, "keep(usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, usocket.IPPROTO_TCP_SER)).getsocketsta()",
      0, D + " TCP server socket(AF_INET, SOCK_STREAM, IPPROTO_TCP_SER)"),
    R(None, "keep(usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, usocket.TCP_CUSTOMIZE_PORT)).getsocketsta()",
      0, D + " socket with TCP_CUSTOMIZE_PORT"),
    R(None, "keep(usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM)).getsocketsta()", 0,
      D + " UDP socket(AF_INET, SOCK_DGRAM); getsocketsta"),
    R(None, "isinstance(keep(usocket.socket()).fileno(), int)", True, C + " fileno returns the lwIP fd"),
    R(None, "usocket.socket(af=2)", Raises("TypeError"), C + " socket_make_new takes no keywords",
      missing="usocket.socket takes keyword arguments; the module's constructor takes positional ones only"),
    # getaddrinfo
    R(None, "usocket.getaddrinfo('127.0.0.1', 80)", [(2, 1, 0, "127.0.0.1", ("127.0.0.1", 80))],
      D + " getaddrinfo: (family, type, proto, canonname, sockaddr); CHOICE #3"),
    R(None, "usocket.getaddrinfo('localhost', 8080)[0][-1]", ("127.0.0.1", 8080),
      D + " getaddrinfo example [0][-1]"),
    R(None, "usocket.getaddrinfo('localhost', 80)[0][3]", "localhost",
      "DOC FAQ/QuecPython_FAQ.md getaddrinfo printout: canonname is the host"),
    R(None, "usocket.getaddrinfo('127.0.0.1', '8080')[0][-1]", ("127.0.0.1", 8080),
      C + " quec_socket_getaddrinfo: port may be a str"),
    R(None, "usocket.getaddrinfo('', 80)[0][-1]", ("0.0.0.0", 80), C + " getaddrinfo: '' means 0.0.0.0"),
    R(None, "usocket.getaddrinfo('127.0.0.1', 80, 0, usocket.SOCK_STREAM)[0][-1]", ("127.0.0.1", 80),
      C + " getaddrinfo takes 2-6 args; SRC25 ports/quectel/py/request.py passes four"),
    R(None, "usocket.getaddrinfo('no.such.host.invalid', 80)", Raises("OSError", -202),
      C + " getaddrinfo raises OSError(-EAI); CHOICE #2"),
    R(None, "usocket.getaddrinfo('localhost', 'http')", Raises("OSError", -201),
      C + " getaddrinfo: EAI_SERVICE; CHOICE #2"),
    # bind / listen / accept
    R(None, "tcp(usocket.TCP_CUSTOMIZE_PORT).bind(('127.0.0.1', 0))", None, D + " bind returns None"),
    R(None, "udp().bind(('127.0.0.1', 0))", None, EX + "/example_udp_server_and_client.py binds a UDP socket"),
    R(None, "tcp().bind(('127.0.0.1', 0))", None, EX + "/example_socket_bind_of_ethernet.py binds IPPROTO_TCP"),
    R(None, "tcp(usocket.TCP_CUSTOMIZE_PORT).bind(['127.0.0.1', 0])", None, D + " bind: address is a list or tuple"),
    R(None, "tcp(usocket.TCP_CUSTOMIZE_PORT).bind(('', 0))", None,
      D + " bind: ('', 0) binds the dial-up IP with an automatic port"),
    R(None, "(lambda s: (free_bind(s) > 0, s.listen(), s.getsocketsta()))(tcp(usocket.IPPROTO_TCP_SER))",
      (True, None, 1), C + " listen([backlog]): backlog optional; " + D + " getsocketsta 1 LISTEN"),
    R(None, "(lambda s: (free_bind(s) > 0, s.listen(0)))(tcp(usocket.IPPROTO_TCP_SER))", (True, None),
      D + " listen(backlog >= 0)"),
    R(None, "L.getsocketsta()", 1, D + " getsocketsta: 1 LISTEN"),
    R("accepted", "len(t)", 3, D + " accept returns (conn, address, port); CHOICE #1"),
    R("accepted", "[type(x).__name__ for x in t]", ["socket", "str", "int"], ST + " accept -> (socket, str, int)"),
    R("accepted", "t[1]", "127.0.0.1", D + " accept: address is the client's IP"),
    R("accepted", "t[0].getsocketsta()", 4, D + " getsocketsta: 4 ESTABLISHED"),
    R("accepted", "k.getsocketsta()", 4, D + " getsocketsta: 4 ESTABLISHED"),
    R("pair", "(a.send(b'hi'), k.recv(2))", (2, b"hi"), C + " accept: the new socket is a working stream"),
    R(None, "keep(tcp(usocket.IPPROTO_TCP_SER, 0.2)).accept()", Raises("OSError", 22),
      "SRC25 lwIP accept on a socket not listening: EINVAL"),
    R(None, "(lambda l: l[0].accept())(listener(0.2))", Raises("OSError", 110, "ETIMEDOUT"),
      C + " accept timeout -> OSError(110)"),
    R(None, "(lambda l: l[0].accept())(listener(0))", Raises("OSError", 11), C + " non-blocking accept -> OSError(11)"),
    # connect
    R(None, "tcp().connect(('127.0.0.1', SPORT))", None, D + " connect returns None"),
    R(None, "tcp().connect(['127.0.0.1', SPORT])", None, D + " connect: address list or tuple"),
    R(None, "tcp().connect(usocket.getaddrinfo('localhost', SPORT)[0][-1])", None,
      D + " connect(getaddrinfo(...)[0][-1]) example"),
    R(None, "tcp().connect(('localhost', SPORT))", None, C + " connect resolves the host with getaddrinfo"),
    R(None, "tcp().connect(('127.0.0.1', str(SPORT)))", None,
      C + " connect: the address goes through getaddrinfo, which takes a str port"),
    R(None, "tcp().connect(('127.0.0.1', DPORT))", Raises("OSError", 111), C + " connect failure -> OSError(errno); CHOICE #13"),
    R("refused", "e[:2]", ("OSError", 111), C + " connect failure -> OSError(errno)"),
    R("refused", "f.getsocketsta()", 0, D + " getsocketsta: 0 CLOSED after a failed connect"),
    R("refused", "f.connect(('127.0.0.1', LPORT))", Raises("OSError", 114),
      C + " connect: the state flag is set before the attempt, a retry gives 114"),
    R("pair", "k.connect(('127.0.0.1', LPORT))", Raises("OSError", 114, "EALREADY"), C + " second connect -> OSError(114)"),
    R(None, "L.connect(('127.0.0.1', LPORT))", Raises("OSError", 114), C + " listen counts as connected for connect"),
    R(None, "tcp(t=0).connect(('127.0.0.1', SPORT))", Raises("OSError", 115, "EINPROGRESS"),
      C + " non-blocking connect -> OSError(115)"),
    R(None, "tcp().connect(('no.such.host.invalid', 80))", Raises("OSError", -202), C + " connect: getaddrinfo failure"),
    R(None, "tcp().connect(('203.0.113.7', 80))", Raises("OSError", 113),
      "SRC25 lwIP errno passed through (113 EHOSTUNREACH); desktop board: loopback only"),
    # send / recv family
    R("pair", "k.send(b'abc')", 3, D + " send returns the number of bytes sent"),
    R("pair", "k.send('abc')", 3, C + " send accepts any buffer, str included (10 of 31 apps send str)"),
    R("pair", "(k.send('héllo'), a.recv(10))", (6, "héllo".encode()), C + " send(str) sends its UTF-8 bytes"),
    R("pair", "(k.sendall(b'xyz'), a.recv(3))", (None, b"xyz"), D + " sendall returns None"),
    R("pair", "(k.sendall('xyz'), a.recv(3))", (None, b"xyz"), C + " sendall accepts str"),
    R("pair", "(k.write(b'12345'), a.read(5))", (5, b"12345"), D + " write returns the count; read(size)"),
    R("pair", "(k.write('ab'), a.read(2))", (2, b"ab"), C + " write accepts str"),
    R("pair", "(k.send(b'abc'), type(a.recv(3)).__name__)", (3, "bytes"), D + " recv returns bytes; CHOICE #4"),
    R("pair", "(k.send(b'abcdef'), a.recv(4), a.recv(4))", (6, b"abcd", b"ef"), D + " recv(bufsize): at most bufsize"),
    R("pair", "(k.send(b'q'), (lambda r: (r[0], r[1] == (ip, port)))(a.recvfrom(5)))", (1, (b"q", True)),
      D + " recvfrom returns (bytes, address); on a stream the peer's address"),
    R("pair", "(a.send(b'q'), k.recvfrom(5))[1][1] == ('127.0.0.1', LPORT)", True,
      D + " recvfrom on a connected client: the server's address"),
    R("pair", "(k.send(b'one\\ntwo'), a.readline())", (7, b"one\n"), D + " readline reads to the newline"),
    R("pair", "(k.send(b'abcd'), (lambda b: (a.readinto(b), bytes(b)))(bytearray(4)))",
      (4, (4, b"abcd")), D + " readinto(buf) returns the count"),
    R("pair", "(k.send(b'abcd'), (lambda b: (a.readinto(b, 2), bytes(b)))(bytearray(4)))",
      (4, (2, b"ab\x00\x00")), D + " readinto(buf, nbytes)"),
    R("pair", "k.makefile() is k", True, C + " makefile returns the socket itself"),
    R("pair", "k.makefile('rb') is k", True, D + " makefile(mode='rb')"),
    R("pair", "a.recv(1)", Raises("OSError", 110, "ETIMEDOUT"), C + " recv timeout -> OSError(110)"),
    R("pair", "estr(a.recv, 1)", "[Errno 110] ETIMEDOUT",
      "SRC25 ports/quectel/py/request.py and EX nic/wifi/WLAN.py test '110'/'ETIMEDOUT' in str(e)"),
    R("pair", "catch(a.recv, 1).errno", 110, "MPY OSError.errno: the errno, as e.args[0]"),
    R(None, "catch(tcp().recv, 1).errno", 107, "MPY OSError.errno on ENOTCONN"),
    R("closed", "estr(c.send, b'x')", "[Errno 9] EBADF", C + " str(OSError): [Errno n] NAME"),
    R("pair", "err(a.recv, 1)[1] == 110", True, "DTU code/modules/socketIot.py e.args[0] == 110 (6 of 31 apps)"),
    R("pair", "a.read(1)", Raises("OSError", 110), D + " read: timeout -> OSError(110)"),
    R("pair", "(k.settimeout(0.3), a.recv(1))[1]", Raises("OSError", 110), D + " settimeout(float seconds)"),
    R("nb", "k.recv(1)", Raises("OSError", 11, "EAGAIN"), C + " non-blocking recv -> OSError(11); CHOICE #20"),
    R("pair", "(k.setblocking(False), k.recv(1))", Raises("OSError", 11), D + " setblocking(False) == settimeout(0)"),
    R("pair", "(k.setblocking(False), k.setblocking(True), k.settimeout(0.2), k.recv(1))", Raises("OSError", 110),
      D + " setblocking(True) == settimeout(None)"),
    R("pair", "k.settimeout(None)", None, D + " settimeout(None): blocking"),
    R(None, "tcp(t=2).recv(1)", Raises("OSError", 107, "ENOTCONN"), C + " recv on a stream never connected -> OSError(107)"),
    # end of stream
    R("fin", "k.recv(10)", b"bye", D + " recv: data sent before the close arrives first"),
    R("fin_read", "eof1[:2]", ("OSError", 107), C + " recv FIN branch -> OSError(107); CHOICE #5"),
    R("fin_read", "k.recv(10)", Raises("OSError", 107), C21 + " every read after FIN raises; CHOICE #5"),
    R("fin_read", "k.getsocketsta()", 7, D + " getsocketsta: 7 CLOSE_WAIT after the peer's FIN"),
    R("fin_all", "k.read()", b"abcdef\n", D + " read() without size reads until EOF"),
    R("fin_all", "(k.readline(), k.readline())", (b"abcdef\n", b""), D + " readline: b'' at the end of the stream"),
    R("fin_all", "(k.read(3), k.read(10))", (b"abc", b"def\n"), D + " read(size) up to the end of the stream"),
    R("pair", "k.send(b'')", 0, D + " send of nothing -> 0"),
    R("pair", "(k.send(b'a'), a.recv(0))", (1, b""), "MPY socket.recv(0) -> b''"),
    R("pair", "k.fileno() != a.fileno()", True, C + " fileno: each socket its own fd"),
    R("from_nb_listener", "a.recv(4)", b"late", C + " accept: the new socket is blocking, whatever the listener"),
    R(None, "(lambda s: (s.bind(('0.0.0.0', 0)), s.getsocketsta()))(tcp(usocket.TCP_CUSTOMIZE_PORT))", (None, 0),
      D + " bind(('0.0.0.0', port))"),
    R(None, "(lambda l: (l.bind(('127.0.0.1', 0)), l.listen(1), l.getsocketsta()))(tcp())", (None, None, 1),
      "EX network-comm/net-protocols/tcp-udp/example_socket_bind_of_ethernet.py: a plain IPPROTO_TCP socket listens too"),
    R("pair", "(k.sendall(bytes(range(256)) * 400), len(recv_all(a, 102400)))", (None, 102400),
      D + " sendall sends everything; recv returns it all, in order"),
    R("pair", "(k.sendall(bytes(range(256)) * 40), recv_all(a, 10240) == bytes(range(256)) * 40)", (None, True),
      D + " data arrives unchanged"),
    R("dgram", "u2.recvfrom(2)[0]", b"pi", "MPY socket.recvfrom(bufsize): a datagram is cut to bufsize"),
    # setsockopt
    R(None, "tcp().setsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR, 1)", None, D + " setsockopt SO_REUSEADDR"),
    R("pair", "k.setsockopt(usocket.SOL_SOCKET, usocket.TCP_KEEPALIVE, 1)", None, D + " setsockopt TCP_KEEPALIVE minutes 1-120"),
    R("pair", "k.setsockopt(usocket.SOL_SOCKET, usocket.TCP_KEEPALIVE, 120)", None, D + " TCP_KEEPALIVE up to 120 minutes"),
    R("pair", "k.setsockopt(usocket.IPPROTO_TCP, usocket.TCP_KEEPALIVE, 5)", None, C + " setsockopt ignores the level"),
    R(None, "tcp().setsockopt(usocket.SOL_SOCKET, 0x1234, 1)", None,
      C + " setsockopt: unknown option warns and returns None"),
    # close
    R("closed", "c.getsocketsta()", -1, D + " getsocketsta: -1 after close"),
    R("closed", "c.close()", None, C + " close twice is harmless"),
    R("closed", "c.send(b'x')", Raises("OSError", 9, "EBADF"), C + " a closed socket -> OSError(9)"),
    R("closed", "c.recv(1)", Raises("OSError", 9), C + " a closed socket -> OSError(9)"),
    R(None, "(lambda u: (u.close(), u.getsocketsta()))(udp())", (None, -1), D + " getsocketsta: -1 after close, UDP too"),
    R("pair", "(a.close(), k.recv(1))", Raises("OSError", 107), C + " recv FIN branch after the peer closed"),
    # UDP
    R("udp2", "u1.sendto(b'ping', ('127.0.0.1', p2))", 4, D + " sendto returns the count"),
    R("udp2", "u1.sendto('ping', ('127.0.0.1', p2))", 4, C + " sendto accepts str"),
    R("dgram", "(lambda r: (r[0], r[1] == ('127.0.0.1', p1), type(r[1]).__name__))(u2.recvfrom(10))", (b"ping", True, "tuple"), D + " recvfrom -> (bytes, (ip, port)); " + EX + "/example_udp_server_and_client.py"),
    R("dgram", "(lambda d: u2.sendto(b'pong', d[1]) and u1.recvfrom(10)[0])(u2.recvfrom(10))", b"pong",
      EX + "/example_udp_server_and_client.py sends back to recvfrom's address"),
    R("udp2", "u1.recvfrom(10)", Raises("OSError", 110), C + " recvfrom timeout -> OSError(110)"),
    R("udp2", "u1.sendto(b'x', ('localhost', p2))", Raises("ValueError"), C + " sendto parses an IPv4 literal only; CHOICE #24"),
    R("udp2", "(u1.connect(('127.0.0.1', p2)), u1.send(b'hi'), u2.recv(5))", (None, 2, b"hi"), D + " UDP connect then send"),
    R("udp2", "u1.sendto(b'x', ('127.0.0.1', str(p2)))", 1,
      C + " sendto: the module's examples pass ports from config strings"),
    R("udp2", "u1.getsocketsta()", 0, D + " getsocketsta: a UDP socket has no TCP state"),
]


def check_transcript(r, rt):
    assert "Warning: lwip.setsockopt() option not implemented" in r.out, r
