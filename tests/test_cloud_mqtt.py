"""QuecPython's cloud MQTT clients aLiYun and TenCentYun (TXyun) against
mosquitto on loopback, reached under the clouds' own host names through the
board's name and endpoint maps.

Sources: QuecPython/micropython v1.0.0 ports/quectel/py/aLiYun.py (client id
`<clientID>|securemode=3,signmethod=hmacsha256|`, user
`<DeviceName>&<productKey>`, password HMAC-SHA256 of
`clientId<id>deviceName<dn>productKey<pk>` under the DeviceSecret, server
`<productKey>.iot-as-mqtt.cn-shanghai.aliyuncs.com:1883`); QuecPython's
TenCentYun.py (client id `<productID><devicename>`, user
`<client id>;12010126;<connid>;<expiry>`, password HMAC-SHA256 of the user
under the base64-decoded PSK + `;hmacsha256`, server
`<productID>.iotcloud.tencentdevices.com:1883`), as Tencent Cloud IoT Hub's
"device MQTT access" documentation signs it; the calls as QuecPython's docs
(aLiYun.md, TenCentYun.md) show them. Each expected credential is computed
here with CPython's hmac, and the HMAC under them is checked against
RFC 4231 / RFC 2202 vectors."""

import base64
import hashlib
import hmac
import os
import queue
import re
import socket
import struct
import subprocess
import threading
import time

import pytest

from conftest import free_port
from netservers import _mosquitto

RUNTIMES = ["micropython", "cpython"]
ALI_HOST = "a1PK.iot-as-mqtt.cn-shanghai.aliyuncs.com"
TX_HOST = "TXPID.iotcloud.tencentdevices.com"
PUBLIC = "203.0.113.40"
PSK = base64.b64encode(b"0123456789abcdef").decode()


class AuthBroker:
    """mosquitto on loopback that takes only the users given (user -> password;
    None: anyone), and keeps its log so a test can see the client ids."""

    def __init__(self, tmp_path, users=None):
        self.port = free_port()
        conf = tmp_path / f"mosq-{self.port}.conf"
        text = f"per_listener_settings false\nlog_dest stderr\nlog_type all\nlistener {self.port} 127.0.0.1\n"
        if os.geteuid() == 0:
            text += "user root\n"
        if users is None:
            text += "allow_anonymous true\n"
        else:
            pw = tmp_path / f"mosq-{self.port}.pw"
            pw.write_text("")
            for u, p in dict(users, tester="tester-pw").items():
                subprocess.run(["mosquitto_passwd", "-b", str(pw), u, p], check=True, timeout=30)
            text += f"allow_anonymous false\npassword_file {pw}\n"
        conf.write_text(text)
        self.proc = subprocess.Popen([_mosquitto(), "-c", str(conf)], stderr=subprocess.PIPE, text=True)
        self.lines = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        self.wait_log(r" running")

    def _pump(self):
        for line in self.proc.stderr:
            self.lines.put(line)
        self.lines.put(None)

    def wait_log(self, pattern, timeout=20):
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern)
        while True:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                line = ""
            if line is None or time.monotonic() > deadline:
                raise AssertionError(f"mosquitto never logged {pattern!r}")
            m = rx.search(line)
            if m:
                return m

    def client(self, topic):
        import paho.mqtt.client as mqtt

        msgs = queue.Queue()
        ready = threading.Event()
        c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
        c.username_pw_set("tester", "tester-pw")
        c.on_connect = lambda cl, u, f, rc, p: cl.subscribe(topic, qos=1)
        c.on_subscribe = lambda cl, u, mid, rc, p: ready.set()
        c.on_message = lambda cl, u, m: msgs.put((m.topic, m.payload))
        c.connect("127.0.0.1", self.port)
        c.loop_start()
        assert ready.wait(10), "paho did not subscribe"
        c.messages = msgs
        return c

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


def _net(host, port):
    return {"hosts": {host: PUBLIC}, "endpoints": {f"{PUBLIC}:1883": f"127.0.0.1:{port}"}}


def _ali_password(pk, dn, secret, cid):
    msg = f"clientId{cid}deviceName{dn}productKey{pk}".encode()
    return hmac.new(secret.encode(), msg, hashlib.sha256).hexdigest()


def test_hmac_vectors(board):
    """The HMAC under both signatures (MicroPython has no hmac module) against
    RFC 4231 test cases 2 and 6 (SHA-256; case 6's key is longer than a
    block) and RFC 2202 test case 2 (SHA-1)."""
    r = board.run("""
from shim._lib import cloudsign as s
print('c2', s.hmac_hex('Jefe', 'what do ya want for nothing?'))
print('c6', s.hmac_hex(b'\\xaa' * 131, 'Test Using Larger Than Block-Size Key - Hash Key First'))
print('sha1', s.hmac_hex('Jefe', 'what do ya want for nothing?', 'sha1'))
""")
    assert r.code == 0, r
    assert r.value("c2") == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    assert r.value("c6") == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
    assert r.value("sha1") == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"


ALI_APP = """
import utime
from aLiYun import aLiYun
got = []
def cb(topic, msg):
    print('msg', repr((topic, msg)))
    got.append(msg)
ali = aLiYun('a1PK', None, 'dev1', '{secret}')
print('set', ali.setMqtt('cid42', clean_session=True, keepAlive=300))
ali.setCallback(cb)
print('sub', ali.subscribe('/a1PK/dev1/user/get', 1))
print('pub', ali.publish('/a1PK/dev1/user/update', 'hello', qos=1))
ali.start()
print('sta', ali.getAliyunSta())
print('again', ali.setMqtt('cid42') is ali.mqtt_client)  # connected already: the module hands back its client
print('ready')
t0 = utime.ticks_ms()
while not got and utime.ticks_diff(utime.ticks_ms(), t0) < 15000:
    utime.sleep_ms(20)
print('waited', 'ok' if got else 'EXPIRED')
ali.disconnect()
print('done')
"""


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_aliyun_signs_in_and_talks(quecpython, tmp_path, runtime):
    """The docs' flow: setMqtt, setCallback, subscribe, publish, start,
    disconnect. mosquitto takes only the user and password the signature
    calls for, and logs the client id it was given."""
    cid = "cid42|securemode=3,signmethod=hmacsha256|"
    broker = AuthBroker(tmp_path, {"dev1&a1PK": _ali_password("a1PK", "dev1", "s3cret", "cid42")})
    try:
        up = broker.client("/a1PK/dev1/user/update")
        app = quecpython(None, runtime=runtime, files={"main.py": ALI_APP.format(secret="s3cret")},
                         net=_net(ALI_HOST, broker.port))
        # from the board's own address, as the cloud sees a module's
        m = broker.wait_log(r"New client connected from " + re.escape(app.block.ip(1))
                            + r":\d+ as (\S+) \(.*k300, u'([^']*)'\)")
        assert m.groups() == (cid, "dev1&a1PK")
        app.expect(r"^set 0$")
        app.expect(r"^sub 0$")
        app.expect(r"^pub True$")  # QuecPython's aLiYun.py passes umqtt's answer through
        app.expect(r"^sta 0$")
        app.expect(r"^again True$")
        app.expect(r"^ready$")
        assert up.messages.get(timeout=10) == ("/a1PK/dev1/user/update", b"hello")
        import paho.mqtt.publish as pub

        pub.single("/a1PK/dev1/user/get", "cmd", qos=1, hostname="127.0.0.1", port=broker.port,
                   auth={"username": "tester", "password": "tester-pw"})
        app.expect(r"^msg \(b'/a1PK/dev1/user/get', b'cmd'\)$")
        # the app's wait has its own deadline and says when it ran out
        assert app.expect(r"^waited (\w+)$").group(1) == "ok"
        app.expect(r"^done$")
        assert app.wait(20) == 0
        up.loop_stop()
        up.disconnect()
    finally:
        broker.stop()


def test_aliyun_wrong_secret_refused_and_secret_json(board, tmp_path):
    """The broker refuses a password signed with another secret: setMqtt
    answers -1, as the module does for any failure. With a productSecret the
    device secret is the one /usr/secret.json keeps for the device (the file
    the module's dynamic registration writes; aLiYun.md gives its form)."""
    broker = AuthBroker(tmp_path, {"dev1&a1PK": _ali_password("a1PK", "dev1", "s3cret", "cid42")})
    try:
        r = board.run("""
from aLiYun import aLiYun
ali = aLiYun('a1PK', None, 'dev1', 'wrong')
print('set', ali.setMqtt('cid42'))
with open('/usr/secret.json', 'w') as f:
    f.write('{"other": "x", "dev1": "s3cret"}')
b = aLiYun('a1PK', 'product-secret', 'dev1')
print('stored', b.setMqtt('cid42'), b.getAliyunSta())
b.disconnect()
""", net=_net(ALI_HOST, broker.port))
    finally:
        broker.stop()
    assert r.code == 0, r
    assert r.value("set") == -1
    assert r.value("stored") == "0 0"


class ConnectRecorder:
    """Answers one MQTT CONNECT with CONNACK 0 and keeps its client id,
    user and password, to check what went over the wire."""

    def __init__(self):
        self.srv = socket.socket()
        self.srv.bind(("127.0.0.1", 0))
        self.srv.listen(1)
        self.srv.settimeout(30)
        self.port = self.srv.getsockname()[1]
        self.got = queue.Queue()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        try:
            conn, _ = self.srv.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(10)
            f = conn.makefile("rb")
            assert f.read(1) == b"\x10"
            n = sh = 0
            while True:
                b = f.read(1)[0]
                n |= (b & 0x7F) << sh
                sh += 7
                if not b & 0x80:
                    break
            body = f.read(n)
            flags = body[7]
            fields, i = [], 10
            while i < len(body):
                k = struct.unpack("!H", body[i:i + 2])[0]
                fields.append(body[i + 2:i + 2 + k].decode())
                i += 2 + k
            assert flags & 0xC0 == 0xC0 and not flags & 0x04  # user and password, no will
            self.got.put((fields[0], fields[1], fields[2], struct.unpack("!H", body[8:10])[0]))
            conn.sendall(b"\x20\x02\x00\x00")
            f.read(2)  # the client's DISCONNECT

    def close(self):
        self.srv.close()


TX_SIGN_APP = """
import utime
from TenCentYun import TXyun
tx = TXyun('TXPID', 'dev9', '%s')
print('now', utime.time())
print('set', tx.setMqtt(keepAlive=120))
tx.disconnect()
""" % PSK


def test_tencent_signature_on_the_wire(board):
    rec = ConnectRecorder()
    try:
        t0 = int(time.time())
        r = board.run(TX_SIGN_APP, net=_net(TX_HOST, rec.port))
        t1 = int(time.time())
        client, user, password, keepalive = rec.got.get(timeout=10)
    finally:
        rec.close()
    assert r.code == 0, r
    assert r.value("set") == 0
    assert client == "TXPIDdev9" and keepalive == 120
    m = re.fullmatch(r"TXPIDdev9;12010126;(\d+);(\d+)", user)
    assert m, user
    assert len(m.group(1)) >= 5  # five draws of 1..10
    assert t0 + 3600 <= int(m.group(2)) <= t1 + 3600  # an hour from now, UTC seconds
    want = hmac.new(base64.b64decode(PSK), user.encode(), hashlib.sha256).hexdigest() + ";hmacsha256"
    assert password == want


TX_APP = """
import utime
from TenCentYun import TXyun
got = []
def cb(topic, msg):
    print('msg', repr((topic, msg)))
    got.append(msg)
tx = TXyun('TXPID', 'dev9', '%s', None)
print('set', tx.setMqtt())
tx.setCallback(cb)
print('sub', tx.subscribe('TXPID/dev9/control'))
tx.start()
print('pub', tx.publish('TXPID/dev9/event', 'hello world'))
print('sta', tx.getTXyunsta())
print('ready')
t0 = utime.ticks_ms()
while not got and utime.ticks_diff(utime.ticks_ms(), t0) < 15000:
    utime.sleep_ms(20)
print('waited', 'ok' if got else 'EXPIRED')
tx.disconnect()
print('done')
""" % PSK


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_tencent_flow_against_mosquitto(quecpython, tmp_path, runtime):
    """TenCentYun.md's example: setMqtt(), setCallback, subscribe, start,
    publish, a message from the cloud, disconnect."""
    broker = AuthBroker(tmp_path)
    try:
        up = broker.client("TXPID/dev9/event")
        app = quecpython(None, runtime=runtime, files={"main.py": TX_APP},
                         net=_net(TX_HOST, broker.port))
        m = broker.wait_log(r"New client connected from " + re.escape(app.block.ip(1))
                            + r":\d+ as (\S+) \(p2, c0, k300, u'([^']*)'\)")
        assert m.group(1) == "TXPIDdev9" and m.group(2).startswith("TXPIDdev9;12010126;")
        app.expect(r"^set 0$")
        app.expect(r"^sub 0$")
        app.expect(r"^pub 0$")
        app.expect(r"^sta 0$")
        app.expect(r"^ready$")
        assert up.messages.get(timeout=10) == ("TXPID/dev9/event", b"hello world")
        import paho.mqtt.publish as pub

        pub.single("TXPID/dev9/control", "on", qos=1, hostname="127.0.0.1", port=broker.port)
        app.expect(r"^msg \(b'TXPID/dev9/control', b'on'\)$")
        # the app's wait has its own deadline and says when it ran out
        assert app.expect(r"^waited (\w+)$").group(1) == "ok"
        app.expect(r"^done$")
        assert app.wait(20) == 0
        up.loop_stop()
        up.disconnect()
    finally:
        broker.stop()


TX_DYN_APP = """
from TenCentYun import TXyun
import uos
print('cwd', uos.getcwd())
with open('/usr/tx_secret.json', 'w') as f:
    f.write('{"other": "eA==", "dev9": "%s"}')
tx = TXyun('TXPID', 'dev9', None, 'product-secret')
print('set', tx.setMqtt())
print('psk', tx.devicePsk)
print('sta', tx.getTXyunsta())
tx.disconnect()
nokey = TXyun('TXPID', 'dev7', None, 'product-secret')
print('nokey', nokey.setMqtt())
""" % PSK


def test_tencent_dynamic_registration_reads_usr_tx_secret(board, tmp_path):
    """With a ProductSecret (dynamic registration) QuecPython's TenCentYun.py
    takes the device PSK from /usr/tx_secret.json ({devicename: psk}; its
    check_secret and save_Secret open that absolute path, and QuecPython's DTU
    solution checks `"tx_secret.json" in uos.listdir("/usr")`). Apps start in
    `/`, so a relative "tx_secret.json" is not that file. A provisioned key
    signs the device in; a device without one gets -1 (no cloud to register
    with on the desktop)."""
    broker = AuthBroker(tmp_path)
    try:
        r = board.run(TX_DYN_APP, net=_net(TX_HOST, broker.port))
        m = broker.wait_log(r"New client connected from 127\.0\.0\.1:\d+ as (\S+) \(.*u'([^']*)'\)")
    finally:
        broker.stop()
    assert r.code == 0, r
    assert r.value("cwd") == "/"
    assert r.value("set") == 0
    assert r.value("psk") == PSK
    assert r.value("sta") == 0
    assert r.value("nokey") == -1
    assert m.group(1) == "TXPIDdev9" and m.group(2).startswith("TXPIDdev9;12010126;")
