"""request: QuecPython's HTTP client, against an HTTP server the app runs on
loopback (/json answers JSON, /echo sends back the request's body and its
Content-Type)."""
from conformance._kit import R, Raises
from conformance._servers import SERVERS

D = "DOC API_reference/en/networklib/request.md"
ST = "STUB request.pyi"
S = "SRC25 ports/quectel/py/request.py"

PRELUDE = SERVERS + r'''
import request


def http(c):
    got = read_head(c)
    if got is None:
        return
    head, body = got
    lines = head.decode().split('\r\n')
    method, path = lines[0].split(' ')[:2]
    hdr = {}
    for ln in lines[1:]:
        k, v = ln.split(':', 1)
        hdr[k.strip().lower()] = v.strip()
    n = int(hdr.get('content-length', '0'))
    if len(body) < n:
        body += read_n(c, n - len(body))
    if path == '/json':
        out, ct = b'{"a": 1, "b": [1, 2]}', 'application/json'
    else:
        out, ct = (method + ' ').encode() + body, hdr.get('content-type', 'none')
    c.write(('HTTP/1.0 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n' % (ct, len(out))).encode() + out)


PORT = serve(http)
BASE = 'http://127.0.0.1:%d' % PORT


def got_json():
    return {'r': request.get(BASE + '/json')}


def refused():
    l, p = free_listener()
    l.close()
    return {'p': p}


def finish():
    stop_servers()
'''

ROWS = [
    R("got_json", "r.status_code", 200, D + " Response.status_code"),
    R("got_json", "r.json()", {"a": 1, "b": [1, 2]}, D + " Response.json -> dict"),
    R("got_json", "''.join(r.text)", '{"a": 1, "b": [1, 2]}', D + " Response.text: a generator of str blocks"),
    R("got_json", "type(r.headers).__name__", "dict", D + " Response.headers -> dict"),
    R(None, "''.join(request.post(BASE + '/echo', data='abc').text)", "POST abc", D + " post(url, data)"),
    R(None, "''.join(request.put(BASE + '/echo', data='x').text)", "PUT x", D + " put(url, data)"),
    R(None, "''.join(request.post(BASE + '/echo', json={'k': 1}).text)", 'POST {"k": 1}', D + " post(url, json=...)"),
    R(None, "request.post(BASE + '/echo', json={'k': 1}).headers['Content-Type'].strip()", "application/json",
      S + " json= sets Content-Type: application/json"),
    R(None, "''.join(request.get(BASE + '/echo').text)", "GET ", D + " get(url)"),
    R(None, "request.head(BASE + '/json').status_code", 200, D + " head(url)"),
    R(None, "''.join(request.get(BASE + '/json', sizeof=4).text)", '{"a": 1, "b": [1, 2]}', D + " sizeof: block size of text"),
    R(None, "len(next(request.get(BASE + '/json', sizeof=4).text))", 4, D + " sizeof: each block at most sizeof"),
    R("refused", "request.get('http://127.0.0.1:%d/' % p)", Raises("RuntimeError", text="HTTP Connection"), S + " connect failure -> RuntimeError"),
    R(None, "request.get('http://no.such.host.invalid/')", Raises("IndexError"), S + " name not resolved -> IndexError"),
    R(None, "request.get('ftp://127.0.0.1/')", Raises("ValueError"), S + " unsupported protocol -> ValueError"),
]
