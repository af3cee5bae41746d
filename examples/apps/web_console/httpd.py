# Just enough HTTP/1.1 for a device console: one request per connection,
# headers to a dict, a body by Content-Length.


class Request:
    def __init__(self, method, path, headers, body):
        self.method, self.path, self.headers, self.body = method, path, headers, body


def _read_head(conn):
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = conn.recv(256)
        if not chunk:
            return None, b""
        buf += chunk
        if len(buf) > 4096:
            raise ValueError("request head too long")
    end = buf.find(b"\r\n\r\n")
    return buf[:end].decode(), buf[end + 4:]


def read_request(conn):
    head, rest = _read_head(conn)
    if head is None:
        return None
    lines = head.split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    n = int(headers.get("content-length", "0"))
    while len(rest) < n:
        chunk = conn.recv(n - len(rest))
        if not chunk:
            break
        rest += chunk
    return Request(method, path, headers, rest[:n])


REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"}


def respond(conn, status, body, ctype="application/json"):
    if isinstance(body, str):
        body = body.encode()
    conn.send("HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
              % (status, REASONS.get(status, ""), ctype, len(body)))
    if body:
        conn.send(body)
