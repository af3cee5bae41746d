"""Real servers on loopback for the network-library tests: Debian's
mosquitto, an HTTP server and a TLS echo server with a self-signed
certificate made for the test. Each is ready when its constructor returns
(mosquitto: its "running" log line; the others: a bound, listening socket)."""

import http.server
import json
import os
import shutil
import socketserver
import ssl
import subprocess
import threading

import pytest

from conftest import free_port
from qpyshim.faults import _Peer


def _mosquitto():
    for p in (shutil.which("mosquitto"), "/usr/sbin/mosquitto"):
        if p and os.path.exists(p):
            return p
    if os.environ.get("CI"):
        pytest.fail("mosquitto is not installed; .ci/run installs it (apt-get install mosquitto)")
    pytest.skip("needs Debian's mosquitto (apt-get install mosquitto)")


class Broker:
    def __init__(self, tmp_path, port=None, tls=None):
        """tls: (cert, key) files: the listener speaks MQTT over TLS only,
        and a plain listener on another port takes the test's own clients."""
        self.exe = _mosquitto()
        self.port = port or free_port()
        self.plain = free_port() if tls else self.port
        self.conf = tmp_path / f"mosquitto-{self.port}.conf"
        text = f"per_listener_settings false\nallow_anonymous true\nlog_dest stderr\nlog_type all\n"
        if os.geteuid() == 0:
            text += "user root\n"  # as root it would drop to `mosquitto`, who can't read the test's files
        text += f"listener {self.port} 127.0.0.1\n"
        if tls:
            text += f"certfile {tls[0]}\nkeyfile {tls[1]}\nlistener {self.plain} 127.0.0.1\n"
        self.conf.write_text(text)
        self.start()

    def start(self):
        import queue

        self.proc = subprocess.Popen([self.exe, "-c", str(self.conf)], stderr=subprocess.PIPE,
                                     text=True)
        lines = queue.Queue()

        def pump():  # keeps the pipe drained for as long as mosquitto runs
            for line in self.proc.stderr:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        seen = []
        while True:
            try:
                line = lines.get(timeout=10)
            except queue.Empty:
                self.proc.kill()
                raise RuntimeError("mosquitto did not start within 10 s:\n" + "".join(seen)) from None
            if line is None:
                raise RuntimeError(f"mosquitto exited ({self.proc.wait(5)}):\n" + "".join(seen))
            seen.append(line)
            if " running" in line:
                return

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)

    def publish(self, topic, payload, qos=0):
        import paho.mqtt.publish as pub

        pub.single(topic, payload, qos=qos, hostname="127.0.0.1", port=self.plain)

    def subscriber(self, topic):
        """A paho client subscribed to topic; .messages is a queue of (topic, payload)."""
        import queue

        import paho.mqtt.client as mqtt

        msgs = queue.Queue()
        ready = threading.Event()
        c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
        c.on_connect = lambda cl, u, f, rc, p: cl.subscribe(topic, qos=1)
        c.on_subscribe = lambda cl, u, mid, rc, p: ready.set()
        c.on_message = lambda cl, u, m: msgs.put((m.topic, m.payload))
        c.connect("127.0.0.1", self.plain)
        c.loop_start()
        assert ready.wait(10), "paho did not subscribe"
        c.messages = msgs
        return c


class _Http(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def _send(self, code, body, ctype="text/plain; charset=utf-8", extra=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/json":
            self._send(200, json.dumps({"city": "Hefei", "temp": [21, 23]}).encode(), "application/json")
        elif path == "/text":
            self._send(200, ("温度" * 700 + "end").encode())  # multi-byte text across blocks
        elif path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in (b"hello ", b"chunked ", b"world"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
        elif path == "/headers":
            self._send(200, json.dumps(dict(self.headers)).encode(), "application/json")
        elif path == "/moved":
            self._send(302, b"", extra=[("Location", "/json")])
        else:
            self._send(404, b"not here")

    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(n)
        self._send(201, json.dumps({"got": body.decode(), "type": self.headers.get("Content-Type")}).encode(),
                   "application/json")

    do_PUT = do_POST


class HttpServer:
    def __init__(self):
        self.srv = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Http)
        self.srv.daemon_threads = True
        self.port = self.srv.server_address[1]
        threading.Thread(target=self.srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop(self):
        self.srv.shutdown()
        self.srv.server_close()


def make_cert(tmp_path, cn="localhost"):
    """A self-signed certificate for `cn` (P-256, a DNS subjectAltName, a CA
    too, so a client trusts it by itself) and its key, as PEM files; made
    with `cryptography` (it comes with the test extra's trustme), not a
    command the machine may lack."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    now = datetime.datetime.now(datetime.timezone.utc)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    crt = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
           .serial_number(x509.random_serial_number())
           .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=2))
           .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
           .add_extension(ski, critical=False)
           .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False)
           .add_extension(x509.SubjectAlternativeName([x509.DNSName(cn)]), critical=False)
           .sign(key, hashes.SHA256()))
    cert, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.write_bytes(crt.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert, key_file


class Acceptor(_Peer):
    """qpyshim.faults' loopback peer (a thread per connection, handle(conn)),
    with the port and stop() these tests use."""

    @property
    def port(self):
        return int(self.address.rsplit(":", 1)[1])

    def stop(self):
        self.close()


class SilentBroker(Acceptor):
    """Answers MQTT CONNECT, then never answers again (no PINGRESP): a link
    that died without a FIN."""

    def __init__(self):
        self.connects = 0
        super().__init__()

    def handle(self, c):
        if c.recv(1) == b"\x10":
            self.connects += 1
            c.sendall(b"\x20\x02\x00\x00")
        while c.recv(4096):
            pass  # swallow PINGREQs


class TlsEcho(Acceptor):
    """Echoes one line per connection over TLS, prefixed with 'tls:'; with
    client_ca, demands a client certificate signed by it."""

    def __init__(self, cert, key, client_ca=None, http=False):
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(cert, key)
        if client_ca:
            self.ctx.verify_mode = ssl.CERT_REQUIRED
            self.ctx.load_verify_locations(client_ca)
        self.http = http
        self.peers = []
        super().__init__()

    def handle(self, c):
        with self.ctx.wrap_socket(c, server_side=True) as t:
            self.peers.append(t.getpeercert())
            f = t.makefile("rwb")
            line = f.readline()
            if self.http:
                while f.readline() not in (b"\r\n", b""):
                    pass
                body = b'{"secure": true}'
                f.write(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                        % (len(body), body))
            else:
                f.write(b"tls:" + line)
            f.flush()
