"""Local servers that stand in for the public hosts an app talks to, so the
application note's Baidu client gets a real HTTP answer without leaving
loopback."""

import http.server
import threading

BODY = (
    b"<!DOCTYPE html><html><head><title>qpyshim stand-in</title></head>"
    b"<body>This page stands in for the public server the app asked for.</body></html>"
)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(BODY)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(BODY)
        self.close_connection = True

    def log_message(self, fmt, *args):
        pass


class HttpStandIn:
    def __init__(self):
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.address = "127.0.0.1:%d" % self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _kinds():
    from . import faults

    return dict(faults.KINDS, http=HttpStandIn)


KINDS = _kinds()
