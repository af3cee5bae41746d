"""Local servers that stand in for the public hosts an app talks to, so the
application note's Baidu client gets a real HTTP answer without leaving
loopback."""

import socket
import threading

BODY = (
    b"<!DOCTYPE html><html><head><title>qpyshim stand-in</title></head>"
    b"<body>This page stands in for the public server the app asked for.</body></html>"
)

_handler = None  # the request handler class, made at the first request


def _handler_class():
    # http.server costs every run ~20 ms to import, and most apps never call
    # the host this stands in for: it is imported when one does.
    global _handler
    if _handler is None:
        import http.server

        class Handler(http.server.BaseHTTPRequestHandler):
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

        _handler = Handler
    return _handler


class HttpStandIn:
    """Listens on 127.0.0.1 (ephemeral port) from construction; each
    connection is served in a thread of its own. Closing the listener ends
    the accept loop at once (no poll interval to wait out)."""

    def __init__(self):
        self._ls = socket.socket()
        self._ls.bind(("127.0.0.1", 0))
        self._ls.listen(16)
        self.address = "127.0.0.1:%d" % self._ls.getsockname()[1]
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self):
        while True:
            try:
                conn, peer = self._ls.accept()
            except OSError:
                return  # closed: the run is over
            threading.Thread(target=self._serve, args=(conn, peer), daemon=True).start()

    def _serve(self, conn, peer):
        try:
            conn.settimeout(30)
            _handler_class()(conn, peer, self)
        except OSError:
            pass  # the app went away mid-request
        finally:
            try:
                conn.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            conn.close()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        try:
            self._ls.shutdown(socket.SHUT_RDWR)  # wakes the accept (Linux); close alone would not
        except OSError:
            pass
        self._ls.close()
        self._thread.join(5)


def _kinds():
    from . import faults

    return dict(faults.KINDS, http=HttpStandIn)


KINDS = _kinds()
