"""uwebsocket: the WebSocket client, against an echo server the app runs on
loopback (RFC 6455 handshake; each frame sent back with its opcode; a close
frame answered with a close)."""
from conformance._kit import R, Raises
from conformance._servers import SERVERS

D = "DOC API_reference/en/networklib/uwebsocket.md"
ST = "STUB uwebsocket.pyi"

PRELUDE = SERVERS + r'''
import uwebsocket, ubinascii, uhashlib


def echo(c):
    got = read_head(c)
    if got is None:
        return
    head = got[0]
    key = b''
    for ln in head.split(b'\r\n'):
        if ln.lower().startswith(b'sec-websocket-key:'):
            key = ln.split(b':', 1)[1].strip()
    acc = ubinascii.b2a_base64(uhashlib.sha1(key + b'258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest()).strip()
    c.write(b'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ' + acc + b'\r\n\r\n')
    while True:
        b0, b1 = read_n(c, 2)
        n = b1 & 0x7F
        if n == 126:
            n = int.from_bytes(read_n(c, 2), 'big')
        mask = read_n(c, 4) if b1 & 0x80 else b'\0\0\0\0'
        data = bytes(x ^ mask[i % 4] for i, x in enumerate(read_n(c, n)))
        op = b0 & 0x0F
        hdr = bytes([0x80 | op, len(data)]) if len(data) < 126 else bytes([0x80 | op, 126]) + len(data).to_bytes(2, 'big')
        c.write(hdr + data)
        if op == 8:
            return


PORT = serve(echo)
URL = 'ws://127.0.0.1:%d/' % PORT


def ws():
    return {'w': uwebsocket.Client.connect(URL)}


def refused():
    l, p = free_listener()
    l.close()
    return {'p': p}


def finish():
    stop_servers()
'''

ROWS = [
    R("ws", "type(w).__name__ != 'NoneType'", True, D + " Client.connect(url, headers=None, debug=False)"),
    R("ws", "(w.send('this is a test msg'), w.recv())", (None, "this is a test msg"), D + " send(msg); recv -> str"),
    R("ws", "(w.send('x' * 300), len(w.recv()))", (None, 300), D + " recv: a message longer than 125 bytes"),
    R("ws", "(w.send(b'\\x01\\x02'), w.recv())", (None, b"\x01\x02"), ST + " recv: bytes for a binary message"),
    R("ws", "w.close()", None, D + " close"),
    R(None, "(lambda w: (w.send('a'), w.recv(), w.close()))(uwebsocket.Client.connect(URL, headers={'X-Test': '1'}))",
      (None, "a", None), D + " connect(url, headers=dict)"),
    R(None, "uwebsocket.Client.connect('http://127.0.0.1/')", Raises("ValueError"), ST + " connect: a ws:// or wss:// URL"),
    R("refused", "uwebsocket.Client.connect('ws://127.0.0.1:%d/' % p)", Raises("OSError"), D + " connect: nobody listening"),
]
