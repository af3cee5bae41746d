# usocket behaves as QuecPython documents it: one case per behaviour, run
# in-process on both runtimes (tests/test_usocket.py). Each case is the app
# the subprocess test ran, then its assertions, verbatim; `r` is its transcript.
import usocket
import utime

from inkit import RUNTIME, Skip, err  # noqa: F401


def pair():
    # A server on app port 80 (remapped to a free port) and a connected pair.
    srv = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, usocket.IPPROTO_TCP_SER)
    srv.bind(('127.0.0.1', 80))
    srv.listen(5)
    srv.settimeout(10)
    cli = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, usocket.IPPROTO_TCP)
    cli.settimeout(10)
    cli.connect(('127.0.0.1', 80))
    conn, ip, port = srv.accept()
    conn.settimeout(10)
    return srv, cli, conn, ip, port


def teardown():
    # test_default_nic_applies_to_udp sets the default NIC: the board's default again
    from shim._desktop import vnet

    vnet.default_src = None


def case_constants(r):
    u = usocket
    print('c', [u.AF_INET, u.AF_INET6, u.SOCK_STREAM, u.SOCK_DGRAM, u.SOCK_RAW, u.IPPROTO_TCP,
      u.IPPROTO_UDP, u.IPPROTO_TCP_SER, u.TCP_CUSTOMIZE_PORT, u.SOL_SOCKET, u.SO_REUSEADDR, u.TCP_KEEPALIVE])
    assert r.value("c") == [2, 10, 1, 2, 3, 6, 17, 7, 8, 0xFFF, 4, 2], r


def case_accept_returns_conn_ip_port(r):
    srv, cli, conn, ip, port = pair()
    print('types', [type(conn).__name__, type(ip).__name__, type(port).__name__])
    print('ip', repr(ip))
    print('same class', isinstance(conn, usocket.socket))
    assert r.code == 0, r
    assert r.value("types") == ["socket", "str", "int"]
    assert r.value("ip") == "127.0.0.1"
    assert r.value("same class") is True


def case_getaddrinfo_shape(r):
    print('name', usocket.getaddrinfo('www.baidu.com', 80))
    print('strport', usocket.getaddrinfo('127.0.0.1', '8080'))
    print('empty', usocket.getaddrinfo('', 0))
    print('v6', usocket.getaddrinfo('::1', 7))
    print('extra', usocket.getaddrinfo('localhost', 80, 0, usocket.SOCK_STREAM))
    print('type', [type(usocket.getaddrinfo('localhost', 1)).__name__, type(usocket.getaddrinfo('localhost', 1)[0]).__name__])
    assert r.code == 0, r
    assert r.value("name") == [(2, 1, 0, "www.baidu.com", ("36.152.44.95", 80))]
    assert r.value("strport") == [(2, 1, 0, "127.0.0.1", ("127.0.0.1", 8080))]
    assert r.value("empty") == [(2, 1, 0, "", ("0.0.0.0", 0))]
    assert r.value("v6") == [(10, 1, 0, "::1", ("::1", 7))]
    assert r.value("extra") == [(2, 1, 0, "localhost", ("127.0.0.1", 80))]
    assert r.value("type") == ["list", "tuple"]


def case_getaddrinfo_failures(r):
    print('unknown', err(usocket.getaddrinfo, 'no.such.host.example', 80))
    print('badport', err(usocket.getaddrinfo, 'localhost', 'http'))
    assert r.code == 0, r
    assert r.value("unknown")[:2] == ("OSError", -202)
    assert r.value("badport")[:2] == ("OSError", -201)
    assert '"hosts"' in r.err and "no.such.host.example" in r.err, r


def case_tuples_and_lists_as_addresses(r):
    srv = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, usocket.IPPROTO_TCP_SER)
    srv.bind(['127.0.0.1', 80])
    srv.listen(1)
    c = usocket.socket()
    c.settimeout(10)
    print('connect', c.connect(['127.0.0.1', 80]))
    print('bind', srv.getsocketsta())
    assert r.code == 0, r
    assert r.value("connect") is None


def case_udp_sendto_recvfrom(r):
    a = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM, usocket.IPPROTO_UDP)
    a.bind(('127.0.0.1', 80))
    a.settimeout(10)
    b = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM, usocket.IPPROTO_UDP)
    b.settimeout(10)
    print('sent', b.sendto(b'ping', ('127.0.0.1', 80)))
    data, addr = a.recvfrom(64)
    print('got', data, type(addr).__name__, addr[0], type(addr[1]).__name__)
    a.sendto(data.upper(), addr)
    print('reply', b.recvfrom(64))
    assert r.code == 0, r
    assert r.value("sent") == 4
    assert r.out.splitlines()[1] == "got b'ping' tuple 127.0.0.1 int", r
    assert r.value("reply") == (b"PING", ("127.0.0.1", 80))


def case_timeouts_raise_110_with_name(r):
    srv, cli, conn, ip, port = pair()
    print('recv', err(conn.recv, 10) if conn.settimeout(0.2) is None else 0)
    print('read', err(conn.read, 10))
    print('accept', err(srv.accept) if srv.settimeout(0.2) is None else 0)
    u = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM)
    u.bind(('127.0.0.1', 0))
    u.settimeout(0.2)
    print('recvfrom', err(u.recvfrom, 10))
    assert r.code == 0, r
    for key in ("recv", "read", "accept", "recvfrom"):
        kind, n, text = r.value(key)
        assert (kind, n) == ("OSError", 110), (key, r)
        assert "110" in text and "ETIMEDOUT" in text, (key, text)


def case_connect_timeout_110(r):
    # A listener that never accepts and has a full backlog drops new SYNs.
    srv = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, usocket.IPPROTO_TCP_SER)
    srv.bind(('127.0.0.1', 80))
    srv.listen(0)
    held = []
    res = None
    for i in range(8):
        c = usocket.socket()
        c.settimeout(0.3)
        res = err(c.connect, ('127.0.0.1', 80))
        held.append(c)
        if res:
            break
    print('connect', res)
    assert r.code == 0, r
    kind, n, text = r.value("connect")
    assert (kind, n) == ("OSError", 110) and "ETIMEDOUT" in text, r


def case_nonblocking_raises_11_and_115(r):
    srv, cli, conn, ip, port = pair()
    conn.setblocking(False)
    print('recv', err(conn.recv, 10))
    srv.setblocking(False)
    print('accept', err(srv.accept))
    n = usocket.socket()
    n.setblocking(False)
    print('connect', err(n.connect, ('127.0.0.1', 80)))
    assert r.code == 0, r
    assert r.value("recv")[:2] == ("OSError", 11) and "EAGAIN" in r.value("recv")[2]
    assert r.value("accept")[:2] == ("OSError", 11)
    assert r.value("connect")[:2] == ("OSError", 115)


def case_keepalive_in_minutes(r):
    srv, cli, conn, ip, port = pair()
    print('set', cli.setsockopt(usocket.SOL_SOCKET, usocket.TCP_KEEPALIVE, 2))
    print('range', err(cli.setsockopt, usocket.SOL_SOCKET, usocket.TCP_KEEPALIVE, 121))
    print('reuse', cli.setsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR, 1))
    if RUNTIME == "cpython":
        # CPython can read the kernel's values back through the native socket.
        import socket as S
        k = cli._s._k
        print('kernel', [k.getsockopt(S.SOL_SOCKET, S.SO_KEEPALIVE) != 0, k.getsockopt(S.IPPROTO_TCP, S.TCP_KEEPIDLE),
          k.getsockopt(S.IPPROTO_TCP, S.TCP_KEEPINTVL), k.getsockopt(S.IPPROTO_TCP, S.TCP_KEEPCNT)])
    assert r.code == 0, r
    assert r.value("set") is None and r.value("reuse") is None
    assert r.value("range")[0] == "ValueError"
    if RUNTIME == "cpython":
        assert r.value("kernel") == [True, 120, 25, 3], r


def case_getsocketsta_through_a_connection(r):
    srv = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, usocket.IPPROTO_TCP_SER)
    st = [srv.getsocketsta()]
    srv.bind(('127.0.0.1', 80))
    srv.listen(5)
    st.append(srv.getsocketsta())
    cli = usocket.socket()
    st.append(cli.getsocketsta())
    cli.settimeout(10)
    cli.connect(('127.0.0.1', 80))
    conn, ip, port = srv.accept()
    conn.settimeout(10)
    st += [cli.getsocketsta(), conn.getsocketsta()]
    cli.send(b'x')
    conn.recv(1)
    cli.close()
    st.append(cli.getsocketsta())
    # the server side sees the peer's FIN (CLOSE_WAIT) before reading it
    for i in range(100):
        if conn.getsocketsta() == 7:
            break
        utime.sleep_ms(20)
    st.append(conn.getsocketsta())
    conn.close()
    st.append(conn.getsocketsta())
    srv.close()
    st.append(srv.getsocketsta())
    print('states', st)
    assert r.code == 0, r
    assert r.value("states") == [0, 1, 0, 4, 4, -1, 7, -1, -1], r


def case_stream_methods_and_str_data(r):
    srv, cli, conn, ip, port = pair()
    print('send str', cli.send('abc\n'))
    print('write str', cli.write('def\n'))
    print('sendall', cli.sendall(b'ghi\nrest'))
    f = conn.makefile('rb')
    print('makefile is self', f is conn)
    print('readline', conn.readline())
    print('read', conn.read(4))
    buf = bytearray(4)
    print('readinto', [conn.readinto(buf), bytes(buf)])
    cli.close()
    print('read to eof', conn.read())
    assert r.code == 0, r
    assert r.value("send str") == 4 and r.value("write str") == 4 and r.value("sendall") is None
    assert r.value("makefile is self") is True
    assert r.value("readline") == b"abc\n"
    assert r.value("read") == b"def\n"
    assert r.value("readinto") == [4, b"ghi\n"]
    assert r.value("read to eof") == b"rest"


def case_recv_raises_107_at_end_of_stream(r):
    srv, cli, conn, ip, port = pair()
    cli.send(b'last words')
    cli.close()
    print('data', conn.recv(1024))
    print('eof', err(conn.recv, 1024))
    print('again', err(conn.recv, 1024))
    print('zero', conn.recv(0))
    assert r.code == 0, r
    assert r.value("data") == b"last words"
    for key in ("eof", "again"):
        kind, n, text = r.value(key)
        assert (kind, n) == ("OSError", 107) and "ENOTCONN" in text, r
    assert r.value("zero") == b""


def case_second_connect_114(r):
    srv, cli, conn, ip, port = pair()
    print('again', err(cli.connect, ('127.0.0.1', 80)))
    failed = usocket.socket()
    failed.settimeout(10)
    print('refused', err(failed.connect, ('127.0.0.1', 9)))
    print('retry', err(failed.connect, ('127.0.0.1', 80)))
    assert r.code == 0, r
    assert r.value("again")[:2] == ("OSError", 114) and "EALREADY" in r.value("again")[2]
    assert r.value("refused")[:2] == ("OSError", 111)
    assert r.value("retry")[:2] == ("OSError", 114)


def case_recv_on_never_connected_stream_107(r):
    s = usocket.socket()
    print('recv', err(s.recv, 10))
    assert r.code == 0, r
    assert r.value("recv")[:2] == ("OSError", 107)


def case_unknown_setsockopt_warns(r):
    s = usocket.socket()
    print('ret', s.setsockopt(usocket.SOL_SOCKET, 0x1234, 1))
    assert r.code == 0, r
    assert "Warning: lwip.setsockopt() option not implemented" in r.lines, r
    assert r.value("ret") is None


def case_bind_empty_host_is_the_data_call_ip(r):
    a = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM)
    a.bind(('', 80))
    a.settimeout(10)
    b = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM)
    b.sendto(b'x', ('127.0.0.1', 80))
    print('got', a.recvfrom(8)[0])
    assert r.code == 0, r
    assert r.value("got") == b"x"


def case_getsocketsta_after_nonblocking_and_failed_connect(r):
    srv = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, usocket.IPPROTO_TCP_SER)
    srv.bind(('127.0.0.1', 80))
    srv.listen(1)
    n = usocket.socket()
    n.setblocking(False)
    print('nb', err(n.connect, ('127.0.0.1', 80))[1])
    st = n.getsocketsta()
    for i in range(500):
        if st != 2:
            break
        utime.sleep_ms(10)
        st = n.getsocketsta()
    print('settled', st)
    f = usocket.socket()
    f.settimeout(10)
    err(f.connect, ('127.0.0.1', 9))
    print('failed', f.getsocketsta(), err(f.connect, ('127.0.0.1', 80))[1])
    assert r.code == 0, r
    assert r.value("nb") == 115
    assert r.value("settled") == 4
    assert r.out.splitlines()[-1] == "failed 0 114", r


def case_recvfrom_on_a_stream_names_the_peer(r):
    srv, cli, conn, ip, port = pair()
    cli.send(b'hello')
    print('conn', conn.recvfrom(16) == (b'hello', (ip, port)))
    conn.send(b'back')
    print('cli', cli.recvfrom(16))
    assert r.code == 0, r
    assert r.value("conn") is True
    assert r.value("cli") == (b"back", ("127.0.0.1", 80))


def case_read_waits_for_the_whole_size(r):
    import _thread
    srv, cli, conn, ip, port = pair()
    done = []

    def later():
        cli.send(b'abcd')
        utime.sleep_ms(200)
        cli.send(b'efgh')
        done.append(1)
    _thread.start_new_thread(later, ())
    print('read', conn.read(8))
    buf = bytearray(4)
    _thread.start_new_thread(later, ())
    print('readinto', [conn.readinto(buf, 4), bytes(buf)], conn.read(4))
    for i in range(500):  # the writer ends before its sockets are closed
        if len(done) == 2:
            break
        utime.sleep_ms(10)
    assert r.code == 0, r
    assert r.value("read") == b"abcdefgh"
    assert r.out.splitlines()[-1] == "readinto [4, b'abcd'] b'efgh'", r


def case_default_nic_applies_to_udp(r):
    import ethernet
    eth = ethernet.W5500(b'\x02\x00\x00\x00\x00\x01', '', '', '', spi_port=1, spi_cs_pin=2, extint_pin=3, reset_pin=4, work_mode=0)
    eth.set_default_NIC(eth.ipconfig()[1][1])
    srv = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM)
    srv.bind(('127.0.0.1', 80))
    srv.settimeout(10)
    u = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM)
    u.sendto(b'a', ('127.0.0.1', 80))
    print('from', srv.recvfrom(8)[1][0])
    print('connect', u.connect(('127.0.0.1', 80)), u.connect(('127.0.0.1', 80)))
    u.send(b'b')
    print('again', srv.recvfrom(8)[1][0])
    assert r.code == 0, r
    assert r.value("from") == "127.0.0.4" and r.value("again") == "127.0.0.4"


def case_ipv6_bind_to_the_data_call_address(r):
    a = usocket.socket(usocket.AF_INET6, usocket.SOCK_DGRAM)
    a.bind(('', 0))
    b = usocket.socket(usocket.AF_INET6, usocket.SOCK_DGRAM)
    b.bind(('::1', 80))
    b.settimeout(10)
    a.sendto(b'six', ('::1', 80))
    data, addr = b.recvfrom(8)
    print('got', [data, addr[0]])
    assert r.code == 0, r
    assert r.value("got") == [b"six", "::1"]


def _udp_pair():
    # Two UDP sockets on ports P and P + 1 (both free, above 1024): P.
    base = 20000 + utime.ticks_us() % 20000
    for i in range(100):
        p = base + 2 * i
        one = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM)
        two = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM)
        try:
            one.bind(('127.0.0.1', p))
            two.bind(('127.0.0.1', p + 1))
        except OSError:
            continue
        finally:
            one.close()
            two.close()
        return p
    raise OSError(98)


def case_sendto_follows_the_address_it_is_given(r):
    """The shim remembers a sendto destination: a list changed in place or a
    float port must not reuse it; a connected UDP socket keeps its wrappers."""
    def udp(port):
        s = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM)
        s.bind(('127.0.0.1', port))
        s.settimeout(5)
        return s
    P = _udp_pair()
    r1, r2 = udp(P), udp(P + 1)
    s = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM)
    a = ['127.0.0.1', P]
    s.sendto(b'one', a)
    a[1] = P + 1
    s.sendto(b'two', a)
    print('got', (r1.recvfrom(10)[0], r2.recvfrom(10)[0]))
    print('float', err(s.sendto, b'x', ('127.0.0.1', float(P)))[0])
    s.connect(('127.0.0.1', P))
    print('quick', 'readinto' in getattr(s, '__dict__', {}))  # no native slots on the instance
    assert r.code == 0, r
    assert r.value("got") == (b"one", b"two")
    assert r.value("float") == "TypeError"
    assert r.value("quick") is False
