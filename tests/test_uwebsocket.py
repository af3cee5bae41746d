"""QuecPython's uwebsocket client (QuecPython docs API_reference/en/networklib/
uwebsocket.md; QuecPython/quecpython_api_stubs uwebsocket.pyi) against the
`websockets` library's server on loopback, reached through the board's name
and endpoint maps as an app reaches a public server. The server checks the
client's side of RFC 6455 itself (handshake, masked frames) and fails the
connection otherwise."""

import base64
import re
import hashlib
import queue
import socket
import struct
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
t0 = utime.ticks_ms()
while len(got) < 2 and utime.ticks_diff(utime.ticks_ms(), t0) < 10000:
    utime.sleep_ms(10)
print('echoes', 'in time' if len(got) >= 2 else 'EXPIRED')
c.close()
t0 = utime.ticks_ms()
while not done.acquire(0) and utime.ticks_diff(utime.ticks_ms(), t0) < 10000:
    utime.sleep_ms(10)
print('loop', 'ended' if got and not got[-1] else 'EXPIRED')
print('got', got)
""", net=_net(ws_server.port))
    assert r.code == 0, r
    assert r.value("echoes") == "in time"  # every wait has its own deadline
    assert r.value("loop") == "ended"
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


def _accept_for(request):
    key = re.search(rb"(?im)^sec-websocket-key:\s*(\S+)", request).group(1)
    return base64.b64encode(hashlib.sha1(key + b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest())


class RawPeer:
    """Just enough of a WebSocket server, on a plain loopback socket, to send
    what a library server never would: answers the upgrade properly (or with
    `header`, a callable that writes its own reply), sends `frames` as raw
    bytes, then reports the client's close code (None if the client sent no
    close frame before hanging up)."""

    def __init__(self, frames=b"", header=None):
        self.srv = socket.socket()
        self.srv.bind(("127.0.0.1", 0))
        self.srv.listen(1)
        self.srv.settimeout(30)
        self.port = self.srv.getsockname()[1]
        self.close_code = queue.Queue()
        self.frames, self.header = frames, header
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        try:
            conn, _ = self.srv.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(15)
            try:
                req = b""
                while b"\r\n\r\n" not in req:
                    chunk = conn.recv(4096)
                    if not chunk:
                        return
                    req += chunk
                if self.header is not None:
                    self.header(conn)
                    return
                conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                             b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + _accept_for(req) + b"\r\n\r\n")
                conn.sendall(self.frames)
                f = conn.makefile("rb")
                b1, b2 = f.read(2)
                n = b2 & 0x7F
                mask = f.read(4)
                body = bytes(a ^ mask[i % 4] for i, a in enumerate(f.read(n)))
                self.close_code.put(struct.unpack("!H", body[:2])[0] if b1 & 0x0F == 8 else ("op", b1 & 0x0F))
            except (OSError, ValueError):
                self.close_code.put(None)

    def close(self):
        self.srv.close()


OVERSIZE_APP = """
import uwebsocket
print('max', uwebsocket.MAX_SIZE)
c = uwebsocket.Client.connect('ws://echo.example.com/')
print('recv', repr(c.recv()))
print('open', c.open)
print('send_after', err(c.send, 'x'))
"""


@pytest.mark.parametrize("frames", [
    pytest.param(b"\x82\x7f" + struct.pack("!Q", 2 ** 63 - 1), id="64-bit-length-near-2**63"),
    pytest.param(b"\x81\x7f" + struct.pack("!Q", (1 << 20) + 1), id="one-byte-over-1MiB"),
    pytest.param(b"\x02\x7e" + struct.pack("!H", 1000) + b"\0" * 1000 + b"\x80\x7f" + struct.pack("!Q", 1 << 20),
                 id="fragments-adding-up-over-1MiB"),
])
def test_oversized_message_closes_1009(board, frames):
    """RFC 6455 7.4.1: 1009 is the close code for "a message that is too big
    for it to process". A frame (or a fragmented message) claiming more than
    uwebsocket.MAX_SIZE is refused before its payload is read: recv() gives
    None, as after any close (the module's client returns None once closed),
    and the server is told 1009. On both runtimes alike."""
    peer = RawPeer(frames)
    try:
        r = board.run(OVERSIZE_APP, net=_net(peer.port))
        code = peer.close_code.get(timeout=10)
    finally:
        peer.close()
    assert r.code == 0, r
    assert r.value("max") == 1 << 20
    assert r.value("recv") is None
    assert r.value("open") is False
    assert r.value("send_after")[:2] == ("OSError", 9)
    assert code == 1009


def _endless_lines(conn):
    conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\n")
    for _ in range(100000):  # far past any sane header; ends when the client hangs up
        conn.sendall(b"X-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n")


def _endless_line(conn):
    conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nX-Pad: ")
    for _ in range(100000):
        conn.sendall(b"a" * 64)


@pytest.mark.parametrize("header, why", [
    (_endless_lines, "over 64 lines"),
    (_endless_line, "over 1024 bytes"),
])
def test_endless_handshake_header_fails(board, header, why):
    """RFC 6455 4.1 leaves the response header's size to the client: the
    client stops at 64 lines of 1 KiB and fails the handshake with a clear
    OSError instead of reading (and buffering) forever."""
    peer = RawPeer(header=header)
    try:
        r = board.run("""
import uwebsocket
e = err(uwebsocket.Client.connect, 'ws://echo.example.com/')
print('err', e[0], repr(e[2]))
""", net=_net(peer.port), timeout=40)
    finally:
        peer.close()
    assert r.code == 0, r
    kind, text = r.value("err").split(" ", 1)
    assert kind == "OSError" and "handshake failed" in text and why in text


def _has_ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _has_ipv6_loopback(), reason="no IPv6 loopback on this machine")
def test_ipv6_literal_url(board):
    """uwebsocket.md's URL is "ws://xxx/": an IPv6 literal in brackets
    (RFC 3986 3.2.2) needs an AF_INET6 socket, the family getaddrinfo gives
    for it (the module's usocket has AF_INET6). The Host header keeps the
    brackets."""
    seen = {}

    def handler(ws):
        seen["host"] = ws.request.headers.get("host")
        for m in ws:
            ws.send(m)

    lsock = socket.socket(socket.AF_INET6)
    lsock.bind(("::1", 0))
    lsock.listen(4)
    port = lsock.getsockname()[1]
    server = serve(handler, sock=lsock, compression=None, ping_interval=None)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        r = board.run("""
import uwebsocket
c = uwebsocket.Client.connect('ws://[::1]:%d/v6')
c.send('over v6')
print('echo', repr(c.recv()))
c.close()
""" % port)
    finally:
        server.shutdown()
    assert r.code == 0, r
    assert r.value("echo") == "over v6"
    assert seen["host"] == "[::1]:%d" % port
