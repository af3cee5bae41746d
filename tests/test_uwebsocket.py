"""QuecPython's uwebsocket client (QuecPython docs API_reference/en/networklib/
uwebsocket.md; QuecPython/quecpython_api_stubs uwebsocket.pyi) against the
`websockets` library's server on loopback, reached through the board's name
and endpoint maps as an app reaches a public server. The server checks the
client's side of RFC 6455 itself (handshake, masked frames) and fails the
connection otherwise."""

import socket
import threading

import pytest
from websockets.sync.server import serve

PUBLIC = "203.0.113.30"


@pytest.fixture
def ws_server():
    seen = {}

    def handler(ws):
        seen["headers"] = ws.request.headers  # case-insensitive lookups
        seen["path"] = ws.request.path
        for msg in ws:
            if msg == "binary":
                ws.send(b"\x00\xffraw")
            elif msg == "big":
                ws.send("x" * 70000)  # a 64-bit length field
            elif msg == "fragments":
                ws.send(["frag", "ment", "ed"])  # one text message in three frames
            elif msg == "ping me":
                ponged = ws.ping(b"hb").wait(10)  # the client answers while in recv()
                ws.send("ponged %s" % ponged)
            elif msg == "close":
                ws.close(1000, "bye")
                return
            else:
                ws.send(msg)  # echo, bytes as bytes, text as text

    server = serve(handler, "127.0.0.1", 0, compression=None, ping_interval=None)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.port = server.socket.getsockname()[1]
    server.seen = seen
    yield server
    server.shutdown()


def _net(port):
    return {"hosts": {"echo.example.com": PUBLIC}, "endpoints": {f"{PUBLIC}:80": f"127.0.0.1:{port}"}}


def test_connect_send_recv_close(board, ws_server):
    """The docs' example, its text/binary round trip and the server's close:
    recv() gives str for text (as the docs say), bytes for binary, None once
    the server has closed."""
    r = board.run("""
import sys
import uwebsocket
print('lazy', 'shim.uwebsocket' not in sys.modules)
c = uwebsocket.Client.connect('ws://echo.example.com/chat?room=1', headers={'X-Token': 'abc'})
c.send('hello')
print('text', repr(c.recv()))
c.send(b'\\x01\\x02')
print('bytes', repr(c.recv()))
c.send('binary')
print('binary', repr(c.recv()))
c.send('big')
print('big', len(c.recv()))
c.send('fragments')
print('frag', repr(c.recv()))
c.send('ping me')
print('ping', repr(c.recv()))
c.send('close')
print('closed', repr(c.recv()), repr(c.recv()))
print('send_after', err(c.send, 'x'))
c.close()
print('from', repr(getattr(__import__('uwebsocket'), 'CLOSE_OK')))
""", net=_net(ws_server.port))
    assert r.code == 0, r
    assert r.value("lazy") is True  # import alone does not load the client
    assert r.value("text") == "hello"
    assert r.value("bytes") == b"\x01\x02"
    assert r.value("binary") == b"\x00\xffraw"
    assert r.value("big") == 70000
    assert r.value("frag") == "fragmented"
    assert r.value("ping") == "ponged True"
    assert r.value("closed") == "None None"
    assert r.value("send_after")[:2] == ("OSError", 9)
    assert r.value("from") == 1000
    assert ws_server.seen["path"] == "/chat?room=1"
    assert ws_server.seen["headers"].get("x-token") == "abc"
    assert ws_server.seen["headers"].get("host") == "echo.example.com:80"


def test_receiving_thread_and_client_close(board, ws_server):
    """The docs' pattern: a thread loops on recv() while the main thread
    sends; close() from the main thread ends the loop with a false value."""
    r = board.run("""
import uwebsocket, _thread, utime
got = []
done = _thread.allocate_lock()
done.acquire()
def loop(cli):
    while True:
        d = cli.recv()
        got.append(d)
        if not d:
            break
    done.release()
c = uwebsocket.Client.connect('ws://echo.example.com/')
_thread.start_new_thread(loop, (c,))
c.send('one')
c.send('two')
while len(got) < 2:
    utime.sleep_ms(10)
c.close()
done.acquire()
print('got', got)
""", net=_net(ws_server.port))
    assert r.code == 0, r
    got = r.value("got")
    assert got[:2] == ["one", "two"] and not got[2]


def _bad_server(reply):
    """A peer that answers the upgrade request with `reply` and hangs up."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    srv.settimeout(30)

    def run():
        try:
            conn, _ = srv.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(10)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                data += chunk
            conn.sendall(reply)

    threading.Thread(target=run, daemon=True).start()
    return srv


@pytest.mark.parametrize("reply, why", [
    (b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", "404"),
    (b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
     b"Sec-WebSocket-Accept: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n", "Sec-WebSocket-Accept"),
])
def test_handshake_failures_raise(board, reply, why):
    """RFC 6455 4.1: a client fails the connection unless the server answers
    101 with the Sec-WebSocket-Accept its key calls for."""
    srv = _bad_server(reply)
    try:
        r = board.run("""
import uwebsocket
e = err(uwebsocket.Client.connect, 'ws://echo.example.com/')
print('err', e[0], repr(e[2]))
print('bad_url', err(uwebsocket.Client.connect, 'http://echo.example.com/')[0])
""", net=_net(srv.getsockname()[1]))
    finally:
        srv.close()
    assert r.code == 0, r
    kind, text = r.value("err").split(" ", 1)
    assert kind == "OSError" and why in text
    assert r.value("bad_url") == "ValueError"


def test_wss_goes_over_ussl(board, tmp_path):
    """wss:// URLs (uwebsocket.md: "ws://xxx/" or "wss://xxx/") run the same
    protocol over TLS; port 443 unless the URL says otherwise."""
    import ssl

    from netservers import make_cert

    cert, key = make_cert(tmp_path, cn="echo.example.com")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    server = serve(lambda ws: [ws.send(m) for m in ws], "127.0.0.1", 0, ssl=ctx, compression=None,
                   ping_interval=None)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        net = {"hosts": {"echo.example.com": PUBLIC},
               "endpoints": {f"{PUBLIC}:443": f"127.0.0.1:{server.socket.getsockname()[1]}"}}
        r = board.run("""
import uwebsocket
c = uwebsocket.Client.connect('wss://echo.example.com/secure')
c.send('over tls')
print('echo', repr(c.recv()))
c.close()
""", net=net)
    finally:
        server.shutdown()
    assert r.code == 0, r
    assert r.value("echo") == "over tls"
