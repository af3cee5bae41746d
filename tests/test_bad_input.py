"""Wrong calls get a clear exception, never a crash or a hang."""

import pytest

# (call, exception type, errno or None). Sockets in the snippet: `s` a TCP
# socket with a timeout, `u` a UDP socket, `c` a closed socket.
CASES = [
    ("usocket.socket('a')", "TypeError", None),
    ("usocket.socket(99)", "OSError", 22),
    ("usocket.socket(2, 99)", "OSError", 22),
    ("usocket.socket(2, 1, 'tcp')", "TypeError", None),
    ("s.connect('127.0.0.1')", "TypeError", None),
    ("s.connect(('127.0.0.1',))", "TypeError", None),
    ("s.connect(('127.0.0.1', 70000))", "ValueError", None),
    ("s.connect(('127.0.0.1', -1))", "ValueError", None),
    ("s.connect((1234, 80))", "TypeError", None),
    ("s.connect(('127.0.0.1', '80'))", "TypeError", None),
    ("s.connect(('not a host', 80))", "OSError", -202),
    ("s.bind(('1.2.3', 80))", "OSError", 22),
    ("s.bind(('300.1.1.1', 80))", "OSError", 22),
    ("s.bind(('localhost', 80))", "OSError", 22),
    ("s.bind(('127.0.0.1', 65536))", "ValueError", None),
    ("s.listen('x')", "TypeError", None),
    ("s.recv(-1)", "ValueError", None),
    ("s.settimeout(-1)", "ValueError", None),
    ("s.settimeout('x')", "TypeError", None),
    ("s.setsockopt(usocket.SOL_SOCKET, usocket.TCP_KEEPALIVE, 'x')", "TypeError", None),
    ("s.setsockopt(usocket.SOL_SOCKET, usocket.TCP_KEEPALIVE, 500)", "ValueError", None),
    ("u.sendto(b'x', ('not-an-ip', 80))", "ValueError", None),
    ("u.sendto(b'x', ('127.0.0.1', 99999))", "ValueError", None),
    ("u.sendto(b'x', '127.0.0.1')", "TypeError", None),
    ("c.send(b'x')", "OSError", 9),
    ("c.recv(1)", "OSError", 9),
    ("c.connect(('127.0.0.1', 80))", "OSError", 9),
    ("c.settimeout(1)", "OSError", 9),
    ("usocket.getaddrinfo(None, 80)", "TypeError", None),
    ("usocket.getaddrinfo('localhost', None)", "TypeError", None),
    ("usocket.getaddrinfo('localhost', 70000)", "ValueError", None),
    ("dataCall.getInfo('1', 0)", "ValueError", None),
    ("dataCall.setPDPContext(1, 0, 'x' * 65, '', '', 0)", "ValueError", None),
    ("dataCall.setDNSServer(1, 1, '1.1.1.1', '1.0.0.1')", "ValueError", None),
    ("checkNet.waitNetworkReady('30')", "OSError", None),
]

SNIPPET = """
import usocket, dataCall, checkNet
s = usocket.socket()
s.settimeout(2)
u = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM)
c = usocket.socket()
c.close()
for i, call in enumerate(CALLS):
    print('case%d' % i, err(lambda: eval(call)))
print('close twice', c.close(), c.getsocketsta())
print('done', 1)
"""


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    from conftest import Board

    out = {}
    for rt in ("micropython", "cpython"):
        b = Board(tmp_path_factory.mktemp(rt), rt)
        code = "CALLS = %r\n" % [c for c, _, _ in CASES] + SNIPPET
        out[rt] = b.run(code, timeout=60)
    return out


@pytest.mark.parametrize("rt", ["micropython", "cpython"])
@pytest.mark.parametrize("i", range(len(CASES)), ids=[c for c, _, _ in CASES])
def test_bad_call(results, rt, i):
    r = results[rt]
    assert r.code == 0 and r.value("done") == 1, r
    call, kind, errno = CASES[i]
    got = r.value("case%d" % i)
    assert got is not None, f"{call} raised nothing"
    assert got[0] == kind, (call, got)
    if errno is not None:
        assert got[1] == errno, (call, got)


@pytest.mark.parametrize("rt", ["micropython", "cpython"])
def test_double_close_is_harmless(results, rt):
    assert results[rt].out.count("close twice None -1") == 1, results[rt]
