# QuecPython request: HTTP/1.0 requests over usocket (HTTPS over ussl).
# Response.content and .text are generators of `sizeof`-byte blocks (str
# when decode=True); json() parses the whole body. As on the module:
# redirects are not followed, header names keep the server's case and values
# keep the text after "name:" up to the next ":" (with its leading space),
# chunked bodies are decoded. Unlike the module, a UTF-8 character split
# across two blocks is carried into the next block rather than ending the body.
import usocket


class Response:
    def __init__(self, f, decode=True, sizeof=255):
        self.raw = f
        self.encoding = "utf-8"
        self.decode = decode
        self.sizeof = sizeof
        self.status_code = None
        self.reason = b""
        self.headers = {}
        self._left = None  # Content-Length still to read, None: until the server closes

    def close(self):
        if self.raw is not None:
            self.raw.close()
            self.raw = None

    def _blocks(self):
        while self.raw is not None:
            n = self.sizeof if self._left is None else min(self.sizeof, self._left)
            if n <= 0:
                break
            block = self.raw.read(n)
            if not block:
                break
            if self._left is not None:
                self._left -= len(block)
            yield block
        self.close()

    @property
    def content(self):
        if not self.decode:
            yield from self._blocks()
            return
        carry = b""
        for block in self._blocks():
            block = carry + block
            cut = _whole(block)
            carry = block[cut:]
            yield block[:cut].decode()
        if carry:
            yield carry.decode()

    @property
    def text(self):
        for chunk in self.content:
            yield str(chunk)

    def json(self):
        import ujson

        chunks = list(self.content)
        body = "".join(chunks) if self.decode else b"".join(chunks).decode()
        if not body:
            return None
        try:
            return ujson.loads(body)
        except ValueError:
            raise ValueError("The data for the response cannot be converted to JSON-type data,"
                             "please try use response.content method")


def _whole(b):
    """Length of b without a trailing, incomplete UTF-8 sequence."""
    i = len(b)
    for back in range(1, min(4, i) + 1):
        c = b[i - back]
        if c & 0xC0 == 0x80:
            continue  # a continuation byte: look further back
        if c & 0x80 == 0:
            return i
        need = 2 if c & 0xE0 == 0xC0 else 3 if c & 0xF0 == 0xE0 else 4
        return i if back >= need else i - back
    return i


def _split(url):
    if "://" not in url:
        url = "http://" + url
    proto, _, rest = url.partition("//")
    cut = len(rest)
    for c in "/?#":
        i = rest.find(c)
        if 0 <= i < cut:
            cut = i
    host, path = rest[:cut], rest[cut:]
    if path.startswith("/"):
        path = path[1:]
    if proto == "http:":
        port = 80
    elif proto == "https:":
        port = 443
    else:
        raise ValueError("Unsupported protocol: " + proto)
    if ":" in host:
        host, p = host.split(":", 1)
        try:
            port = int(p)
        except ValueError:
            raise ValueError("URL address error: " + url)
    if not host:
        raise ValueError("URL address error: " + url)
    return proto, host, port, "/" + path.split("#")[0]


def request(method, url, data=None, json=None, files=None, stream=None, decode=True, sizeof=255,
            timeout=20, headers=None, ssl_params=None, version=0, ipvtype=0, username=None,
            password=None):
    proto, host, port, path = _split(url)
    try:
        ai = usocket.getaddrinfo(host, port)[0]
    except Exception:  # noqa: BLE001  the module reports every lookup failure so
        raise IndexError("Domain name resolution error, please check network connection")
    s = usocket.socket(ai[0], usocket.SOCK_STREAM, usocket.IPPROTO_TCP)
    try:
        s.settimeout(timeout)
        s.connect(ai[-1])
    except OSError as e:
        s.close()
        raise RuntimeError("HTTP Connection '%s' FAIL='%s'" % (e, url))
    f = s
    try:
        if proto == "https:":
            import ussl

            try:
                f = ussl.wrap_socket(s, server_hostname=host, **(ssl_params or {}))
            except Exception as e:  # noqa: BLE001
                raise RuntimeError("HTTPS USSL '%s' FAIL='%s'" % (e, url))
        _send(f, method, host, path, data, json, headers, version, username, password)
        return _response(f, decode, sizeof, url)
    except BaseException:
        f.close()
        if f is not s:
            s.close()
        raise


def _send(f, method, host, path, data, json, headers, version, username, password):
    f.write(b"%s %s HTTP/1.%d\r\n" % (method.encode(), path.encode(), 1 if version else 0))
    hdrs = headers or {}
    f.write(b"Host: %s\r\n" % host.encode())
    if version:
        f.write(b"Connection: close\r\n")
    for k in hdrs:
        f.write(k.encode() if isinstance(k, str) else k)
        f.write(b": ")
        v = hdrs[k]
        f.write(v.encode() if isinstance(v, str) else v)
        f.write(b"\r\n")
    if username is not None and password is not None:
        import ubinascii

        tok = ubinascii.b2a_base64(("%s:%s" % (username, password)).encode()).strip()
        f.write(b"Authorization: Basic %s\r\n" % tok)
    if json is not None:
        assert data is None
        import ujson

        data = ujson.dumps(json)
        f.write(b"Content-Type: application/json\r\n")
    if data:
        if isinstance(data, str):
            data = data.encode()
        f.write(b"Content-Length: %d\r\n" % len(data))
    f.write(b"\r\n")
    if data:
        f.write(data)


def _response(f, decode, sizeof, url):
    line = f.readline()
    parts = line.split(None, 2)
    try:
        status = int(parts[1])
    except (IndexError, ValueError):
        raise ValueError("InvalidSchema: No connection adapters were found for '%s'" % url)
    resp = Response(f, decode, sizeof)
    resp.status_code = status
    resp.reason = parts[2].rstrip() if len(parts) > 2 else b""
    chunked = False
    while True:
        h = f.readline()
        if not h or h == b"\r\n":
            break
        h = h.decode()
        k = h.split(":")[0]
        v = h.split(":")[1].rstrip("\r\n") if ":" in h else ""
        resp.headers[k] = v
        kl = k.lower()
        if kl == "transfer-encoding" and "chunked" in v.lower():
            chunked = True
        elif kl == "content-length":
            resp._left = int(v)
    if chunked:
        import uio

        resp.raw = uio.BytesIO(_dechunk(f))
        resp._left = None
        f.close()
    return resp


def _dechunk(f):
    out = bytearray()
    while True:
        n = int(f.readline().split(b";")[0].strip() or b"0", 16)
        if n == 0:
            return bytes(out)
        while n:
            b = f.read(n)
            if not b:
                return bytes(out)
            out += b
            n -= len(b)
        f.readline()


def head(url, data=None, headers=None, decode=True, sizeof=255, **kw):
    return request("HEAD", url, data=data, headers=headers, decode=decode, sizeof=sizeof, **kw)


def get(url, data=None, headers=None, decode=True, sizeof=255, ssl_params=None, **kw):
    return request("GET", url, data=data, headers=headers, decode=decode, sizeof=sizeof,
                   ssl_params=ssl_params, **kw)


def post(url, data=None, headers=None, decode=True, sizeof=255, **kw):
    return request("POST", url, data=data, headers=headers, decode=decode, sizeof=sizeof, **kw)


def put(url, data=None, headers=None, decode=True, sizeof=255, **kw):
    return request("PUT", url, data=data, headers=headers, decode=decode, sizeof=sizeof, **kw)


def patch(url, data=None, headers=None, decode=True, sizeof=255, **kw):
    return request("PATCH", url, data=data, headers=headers, decode=decode, sizeof=sizeof, **kw)


def delete(url, data=None, headers=None, decode=True, sizeof=255, **kw):
    return request("DELETE", url, data=data, headers=headers, decode=decode, sizeof=sizeof, **kw)
