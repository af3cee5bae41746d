"""QuecPython's request against a local HTTP server, and ussl.wrap_socket
against a local TLS server with a certificate made for the test."""

import pytest

from netservers import HttpServer, TlsEcho, make_cert


@pytest.fixture
def http():
    s = HttpServer()
    yield s
    s.stop()


def test_request(board, http):
    base = "http://127.0.0.1:%d" % http.port
    r = board.run(f"""
import request
r = request.get('{base}/json')
print('status', r.status_code)
print('ctype', r.headers['Content-Type'])
print('json', r.json())
r = request.get('{base}/text', sizeof=100)
chunks = list(r.text)
print('text', len(chunks) > 1, ''.join(chunks).endswith('end'), ''.join(chunks).count('温度'))
r = request.get('{base}/text', decode=False)
b = b''.join(r.content)
print('bytes', type(b).__name__, len(b))
r = request.get('{base}/chunked')
print('chunked', ''.join(r.content))
r = request.post('{base}/echo', data='a=1')
print('post', r.status_code, sorted(r.json().items()))
r = request.post('{base}/echo', json={{'k': [1, 2]}})
print('postjson', r.json()['type'])
r = request.get('{base}/headers', headers={{'X-Token': 'abc'}})
h = r.json()
print('sent', h.get('X-Token'), h.get('Host'), 'User-Agent' in h)
r = request.get('{base}/moved')
print('moved', r.status_code, r.headers['Location'])
r = request.get('{base}/nope')
print('missing', r.status_code, ''.join(r.text))
r = request.get('{base}/text')
print('notjson', err(r.json)[0])
print('badurl', err(request.get, 'ftp://x/y')[0])
r = request.get('127.0.0.1:{http.port}/headers?x=1#top')
print('noscheme', r.status_code, r.json()['Host'])
r = request.get('{base}/text', decode=False, sizeof=7)
print('rawjson', err(r.json)[0])
r = request.get('{base}/json', decode=False, sizeof=5)
print('bytesjson', r.json()['city'])
print('dns', err(request.get, 'http://no-such-host.invalid/')[0])
""", net={"hosts": {}})
    assert r.code == 0, r
    assert r.value("status") == 200
    assert r.value("ctype") == " application/json"  # as the module: the leading space stays
    assert r.value("json") == {"city": "Hefei", "temp": [21, 23]}
    assert r.value("text") == "True True 700"
    assert r.value("bytes") == "bytes 4203"
    assert r.value("chunked") == "hello chunked world"
    assert r.value("post") == "201 [('got', 'a=1'), ('type', None)]"
    assert r.value("postjson") == "application/json"
    assert r.value("sent") == "abc 127.0.0.1 False"
    assert r.value("moved") == "302  /json"  # not followed
    assert r.value("missing") == "404 not here"
    assert r.value("notjson") == "ValueError"
    assert r.value("badurl") == "ValueError"
    assert r.value("noscheme") == "200 127.0.0.1"
    assert r.value("rawjson") == "ValueError"  # not JSON: still the module's ValueError, not a decode error
    assert r.value("bytesjson") == "Hefei"
    assert r.value("dns") == "IndexError"


def test_request_connect_refused(board):
    from conftest import free_port

    r = board.run(f"""
import request
print('refused', err(request.get, 'http://127.0.0.1:{free_port()}/'))
""")
    assert r.code == 0, r
    kind, _, text = r.value("refused")
    assert kind == "RuntimeError" and "111" in text, r


@pytest.fixture(scope="module")
def cert(tmp_path_factory):
    return make_cert(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def other(tmp_path_factory):
    """A certificate that did not sign the server's."""
    return make_cert(tmp_path_factory.mktemp("other"), cn="someone-else")[0]


@pytest.fixture
def tls_server(cert):
    """tls_server(**kw) -> a TlsEcho with the test's certificate, stopped after the test."""
    started = []

    def start(**kw):
        started.append(TlsEcho(*cert, **kw))
        return started[-1]

    yield start
    for srv in started:
        srv.stop()


def test_wrap_socket(board, cert, tls_server):
    crt = cert[0]
    srv = tls_server()
    r = board.run(f"""
import usocket, ussl
def roundtrip(**kw):
    s = usocket.socket()
    s.connect(('127.0.0.1', {srv.port}))
    t = ussl.wrap_socket(s, server_hostname='localhost', **kw)
    t.write(b'ping\\n')
    line = t.readline()
    t.close()
    return line, s.getsocketsta()
print('plain', roundtrip())
print('verified', roundtrip(ca={crt.read_text()!r}))
print('badkey', err(ussl.wrap_socket, usocket.socket(), None, None, 'not a key')[0])
""")
    assert r.code == 0, r
    assert r.value("plain") == (b"tls:ping\n", -1)
    assert r.value("verified") == (b"tls:ping\n", -1)
    assert r.value("badkey") == "ValueError"


def test_wrong_ca_is_refused(board, cert, other, tls_server):
    crt = cert[0]
    srv = tls_server()
    r = board.run(f"""
import usocket, ussl
s = usocket.socket()
s.connect(('127.0.0.1', {srv.port}))
print('wrongca', err(ussl.wrap_socket, s, 'localhost', None, None, {other.read_text()!r}))
s = usocket.socket()
s.connect(('127.0.0.1', {srv.port}))
print('wrongname', err(ussl.wrap_socket, s, 'wrong.example', None, None, {crt.read_text()!r}))
""")
    assert r.code == 0, r
    # mbedtls's X509 verify failure, as QuecPython reports it (the text is the TLS library's)
    assert r.value("wrongca")[:2] == ("OSError", -0x2700), r
    assert r.value("wrongname")[:2] == ("OSError", -0x2700), r


def test_client_certificate(board, cert, tmp_path, tls_server):
    crt = cert[0]
    ccrt, ckey = make_cert(tmp_path, cn="device-1")
    srv = tls_server(client_ca=ccrt)
    r = board.run(f"""
import usocket, ussl
s = usocket.socket()
s.connect(('127.0.0.1', {srv.port}))
t = ussl.wrap_socket(s, server_hostname='localhost', cert={ccrt.read_text()!r}, key={ckey.read_text()!r})
t.write('hi\\n')
print('mutual', t.readline())
t.close()
""")
    assert r.code == 0, r
    assert r.value("mutual") == b"tls:hi\n"
    assert srv.peers and dict(x[0] for x in srv.peers[0]["subject"])["commonName"] == "device-1"


def test_request_https(board, tls_server):
    srv = tls_server(http=True)
    r = board.run(f"""
import request
r = request.get('https://localhost:{srv.port}/status')
print('https', r.status_code, r.json())
""", net={"hosts": {"localhost": "127.0.0.1"}})
    assert r.code == 0, r
    assert r.value("https") == "200 {'secure': True}"


def test_ca_bundle_in_any_order(board, cert, other, tls_server):
    crt = cert[0]
    srv = tls_server()
    r = board.run(f"""
import usocket, ussl
def check(ca):
    s = usocket.socket()
    s.connect(('127.0.0.1', {srv.port}))
    t = ussl.wrap_socket(s, server_hostname='localhost', ca=ca)
    t.write(b'x\\n')
    line = t.readline()
    t.close()
    return line
print('first', check({crt.read_text() + other.read_text()!r}))
print('second', check({other.read_text() + crt.read_text()!r}))
""")
    assert r.code == 0, r
    assert r.value("first") == b"tls:x\n"
    assert r.value("second") == b"tls:x\n"
