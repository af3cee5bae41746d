"""The example apps in examples/apps, each run unchanged through `qpyshim run`
on both interpreters against stand-ins on loopback. The apps are written the
way QuecPython's public solutions and examples are (QuecPython/solution-DTU,
QuecPython/solution-tracker, QuecPython/examples); each test checks what
reached the other side, byte by byte where the protocol is binary."""

import json
import re
import socket
import struct
import time
from fractions import Fraction

import pytest

from appkit import (APPS, Jt808, Listener, exceptions, modbus_crc, nmea, read_exactly, recv_exactly,
                    recv_line, restarts, with_port)

RUNTIMES = ["micropython", "cpython"]


def _micro_degrees(text, hemi):
    # NMEA ddmm.mmmm / dddmm.mmmm -> millionths of a degree, rounded down
    deg_digits = text.index(".") - 2
    v = int((Fraction(text[:deg_digits]) + Fraction(text[deg_digits:]) / 60) * 10**6)
    return v, hemi in "SW"


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_gps_tracker(quecpython, runtime):
    """JT/T 808-2013 framing (0x7E flags, 0x7D escapes, XOR check), register,
    authenticate, one location report per valid RMC fix, heartbeat when idle."""
    app_dir = APPS / "gps_tracker"
    srv = Listener()
    cfg = with_port(app_dir / "tracker_config.json", srv.port, "server", "port")
    cfg["heartbeat_s"] = 1
    app = quecpython(app_dir, runtime=runtime, uarts=[2], files={"tracker_config.json": cfg})
    try:
        conn = srv.accept()
        p = Jt808(conn)
        phone = bytes.fromhex("013800138000")
        serials = []

        msg_id, attr, ph, serial, body = p.frame()
        assert (msg_id, ph, serial) == (0x0100, phone, 0)
        # province, city, maker, model (20), terminal id (7: the IMEI's last digits), colour, plate
        assert body == struct.pack(">HH", 0, 0) + b"QUECT" + b"EC600U".ljust(20, b"\0") \
            + b"0830317" + b"\0" + b"QPY-0001"
        serials.append(serial)
        auth = b"K~}9"  # 0x7E and 0x7D: escaped both ways
        p.send(0x8100, phone, struct.pack(">HB", serial, 0) + auth)

        msg_id, _, _, serial, body = p.frame()
        assert (msg_id, body) == (0x0102, auth)
        serials.append(serial)
        p.send(0x8001, phone, struct.pack(">HHB", serial, 0x0102, 0))
        app.expect(r"INFO:Tracker:logged in to 127\.0\.0\.1:%d" % srv.port)

        fixes = [("083559.00", "3149.2969", "N", "11706.9027", "E", "10.0", "45.5", "311020"),
                 ("083601.00", "3352.1234", "S", "15112.5678", "W", "0.0", "", "311020")]
        gnss = app.uart(2)
        gnss.write(b"\xff\xfe\x80\x00\r\n")  # noise while the receiver's baud rate settles
        gnss.write(nmea("GPRMC,%s,A,%s,%s,%s,%s,%s,%s,%s,,,A" % fixes[0]).encode())
        gnss.write(nmea("GPRMC,083600.00,V,,,,,,,311020,,,N").encode())  # no fix: not reported
        gnss.write(b"$GPRMC,083600.50,A,1111.1111,N,02222.2222,E,1.0,1.0,311020,,,A*00\r\n")  # bad checksum
        gnss.write(nmea("GNRMC,%s,A,%s,%s,%s,%s,%s,%s,%s,,,A" % fixes[1]).encode())

        located = []
        deadline = time.monotonic() + 20  # heartbeats must not keep the loops below going
        for hhmmss, lat, ns, lon, ew, knots, course, ddmmyy in fixes:
            while True:
                assert time.monotonic() < deadline, "no location report, only heartbeats"
                msg_id, _, _, serial, body = p.frame()
                serials.append(serial)
                if msg_id != 0x0002:
                    break
            assert msg_id == 0x0200
            located.append(serial)
            alarm, status, la, lo, alt, speed, crs = struct.unpack(">IIIIHHH", body[:22])
            (lat_v, south), (lon_v, west) = _micro_degrees(lat, ns), _micro_degrees(lon, ew)
            assert (la, lo) == (lat_v, lon_v)
            assert status == 0x02 | (0x04 if south else 0) | (0x08 if west else 0)
            assert (alarm, alt) == (0, 0)
            assert speed == int(Fraction(knots) * Fraction("18.52") + Fraction(1, 2))
            assert crs == int(float(course or 0))
            assert body[22:] == bytes.fromhex(ddmmyy[4:] + ddmmyy[2:4] + ddmmyy[:2] + hhmmss[:6])
            p.send(0x8001, phone, struct.pack(">HHB", serial, 0x0200, 0))
        # Quiet now: the next frame is a heartbeat with an empty body
        while True:
            msg_id, _, _, serial, body = p.frame()
            serials.append(serial)
            if msg_id == 0x0002:
                break
        assert body == b""
        assert serials == list(range(len(serials)))  # one counter, no gaps, no repeats
        app.expect(r"INFO:Tracker:platform ack: serial %d" % located[-1])
        # print_exception reported the noise (MicroPython may decode it without complaint)
        assert set(exceptions(app)) <= {"UnicodeError", "UnicodeDecodeError"}
    finally:
        srv.close()


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_udp_agent(quecpython, runtime):
    """Reports and command replies reach the peer from one address; the
    status reports come when recvfrom times out (OSError 110); the peer's
    port is a digit string in the config (getaddrinfo takes it: QuecPython
    docs API_reference/en/stdlib/usocket.md)."""
    app_dir = APPS / "udp_agent"
    peer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    peer.bind(("127.0.0.1", 0))
    peer.settimeout(20)
    cfg = with_port(app_dir / "agent_config.json", str(peer.getsockname()[1]), "peer", "port")
    cfg["report_s"] = 30
    app = quecpython(app_dir, runtime=runtime, files={"agent_config.json": cfg})
    try:
        hello, agent = peer.recvfrom(512)
        ip = app.block.ip(1).encode()  # the board's data call: in its own loopback block
        assert hello == b"hello name=pump-7 seq=1 ip=" + ip

        def ask(cmd):
            peer.sendto(cmd.encode(), agent)
            reply, src = peer.recvfrom(512)
            assert src == agent
            return reply.decode()

        assert ask("PING") == "PONG 866327040830317"
        assert ask("GET csq") == "csq 31"
        assert ask("GET operator") == "operator CHN-UNICOM"
        assert ask("GET cell") == "cell lac=19472 cid=17104243"
        assert ask("SET report_s 0") == "ERR report_s out of range"
        assert ask("REBOOT now") == "ERR REBOOT now"
        peer.sendto(b"\xff\xfe\x00", agent)  # not text: usys.print_exception reports it
        assert peer.recvfrom(512) == (b"ERR bad command", agent)
        # a stranger is not answered
        other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        other.bind(("127.0.0.1", 0))
        other.sendto(b"PING", agent)
        app.expect(r"WARN:Agent:datagram from 127\.0\.0\.1:%d ignored" % other.getsockname()[1])
        other.close()
        assert ask("SET report_s 1") == "OK report_s=1"
        # no command now: each timed-out wait sends the next report, numbered on
        for seq in (2, 3):
            report, src = peer.recvfrom(512)
            assert (report, src) == (b"status name=pump-7 seq=%d ip=%s" % (seq, ip), agent)
    finally:
        peer.close()


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_web_console(quecpython, runtime):
    """HTTP requests and a WebSocket session (RFC 6455, driven by the
    `websockets` library) against the app's own server; the relay GPIO
    follows the commands; accept() gives (conn, ip, port) (QuecPython docs
    API_reference/en/stdlib/usocket.md)."""
    import http.client

    from conftest import free_port
    from websockets.sync.client import connect

    app_dir = APPS / "web_console"
    port = free_port()
    cfg = with_port(app_dir / "web_config.json", port, "port")
    app = quecpython(app_dir, runtime=runtime, files={"web_config.json": cfg})
    ip = app.block.ip(1)  # the board's data call: in its own loopback block
    app.expect(r"INFO:Web:console on http://%s:%d/" % (re.escape(ip), port))

    def request(method, path, body=None):
        c = http.client.HTTPConnection(ip, port, timeout=10)
        try:
            c.request(method, path, body=body)
            r = c.getresponse()
            return r.status, r.getheader("Content-Type"), json.loads(r.read())
        finally:
            c.close()

    status, ctype, st = request("GET", "/status")
    assert (status, ctype) == (200, "application/json")
    assert (st["imei"], st["csq"], st["ip"], st["relay"]) == ("866327040830317", 31, ip, 0)
    app.expect(r"INFO:Web:127\.0\.0\.1:\d+ GET /status")
    assert request("POST", "/relay", b'{"on": 1}')[::2] == (200, {"relay": 1})
    assert request("GET", "/status")[2]["relay"] == 1
    assert request("POST", "/relay", b"on")[::2] == (400, {"error": "not JSON"})
    assert request("GET", "/relay")[0] == 405
    assert request("GET", "/nowhere")[0] == 404
    # a request line that does not parse: usys.print_exception (QuecPython docs
    # API_reference/en/stdlib/usys.md) reports it, and the client gets a 400
    with socket.create_connection((ip, port), timeout=10) as c:
        c.sendall(b"GARBAGE\r\n\r\n")
        c.settimeout(10)
        assert recv_line(c) == b"HTTP/1.1 400 Bad Request\r\n"
    app.expect(r"^ValueError")

    with connect("ws://%s:%d/ws" % (ip, port), open_timeout=10, close_timeout=10) as ws:
        ws.send(json.dumps({"cmd": "relay", "on": 0}))
        assert json.loads(ws.recv(timeout=10)) == {"relay": 0}
        ws.send(json.dumps({"cmd": "status"}))
        st = json.loads(ws.recv(timeout=10))
        assert (st["relay"], st["clients"]) == (0, 1)  # this connection is the only client
        ws.send("x" * 300)  # a 16-bit length
        assert json.loads(ws.recv(timeout=10)) == {"error": "not JSON"}
        assert ws.ping(b"are you there").wait(10)
    assert ws.protocol.close_rcvd is not None and ws.protocol.close_rcvd.code == 1000
    assert request("GET", "/status")[2]["relay"] == 0
    assert exceptions(app) == ["ValueError"]  # the bad request's, nothing else


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_link_keeper(quecpython, runtime):
    """The dataCall callback gets (1, 0, 0) when the call drops and (1, 1, 0)
    when it returns (QuecPython docs API_reference/en/iotlib/dataCall.md);
    the app's osTimer heartbeats stop with the connection and a new session
    starts on the new call. The port is a digit string passed to connect(),
    which resolves its address with getaddrinfo, port strings included
    (QuecPython/micropython v1.0.0 ports/quectel/modsocket.c)."""
    app_dir = APPS / "link_keeper"
    srv = Listener()
    cfg = with_port(app_dir / "link_config.json", str(srv.port), "server", "port")
    cfg["heartbeat_ms"] = 200
    app = quecpython(app_dir, runtime=runtime, files={"link_config.json": cfg})
    try:
        first = srv.accept()
        lines = first.makefile("rb")
        assert lines.readline() == b"HELLO 866327040830317 session=1\r\n"
        assert [lines.readline() for _ in range(3)] == [b"HB session=1 n=%d\r\n" % n for n in (1, 2, 3)]
        app.drop_data_call(1)
        app.expect(r"WARN:Link:data call 1 down")
        # the connection died with the call: whatever was in flight, then the end
        with pytest.raises((ConnectionResetError, EOFError)):
            while True:
                line = lines.readline()
                if not line:
                    raise EOFError
                assert line.startswith(b"HB session=1 ")
        app.restore_data_call(1)
        app.expect(r"INFO:Link:data call 1 up: %s$" % re.escape(app.block.ip(1)))
        second = srv.accept()
        lines = second.makefile("rb")
        assert lines.readline() == b"HELLO 866327040830317 session=2\r\n"
        assert [lines.readline() for _ in range(2)] == [b"HB session=2 n=1\r\n", b"HB session=2 n=2\r\n"]
        assert exceptions(app) == []
    finally:
        srv.close()


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_dtu(quecpython, runtime):
    """The APN check restarts the module once: setPDPContext is kept across
    misc.Power.powerRestart() (QuecPython docs API_reference/en/iotlib/dataCall.md:
    the setting is saved and used at the next power-on; QuecPython/examples
    network-comm/nic/cellular/example_network_exception_handle_set_apn.py
    restarts once after setting it), and powerOnReason() reads 2 after it.
    Then UART2 and the server exchange bytes both ways."""
    app_dir = APPS / "dtu"
    srv = Listener()
    cfg = with_port(app_dir / "dtu_config.json", str(srv.port), "server", "port")
    cfg["heartbeat"]["interval_s"] = 1
    app = quecpython(app_dir, runtime=runtime, uarts=[2], files={"dtu_config.json": cfg})
    try:
        app.expect(r"INFO:DTU:QuecPython_DTU 2\.1\.0, power-on reason 1")
        app.expect(r"WARN:APN:APN '' set to cmiot; restarting")
        app.expect(r"INFO:DTU:QuecPython_DTU 2\.1\.0, power-on reason 2")
        app.expect(r"INFO:APN:APN is cmiot")
        app.expect(r"INFO:DTU:connected to 127\.0\.0\.1:%d" % srv.port)
        assert restarts(app) == 1
        conn = srv.accept()
        app.uart(2).write(b"\x01\x03meter=42\r\n")
        # heartbeats may come first if this side is slow: they are whole strings between the data
        got = b""
        while not got.endswith(b"meter=42\r\n"):
            got += recv_exactly(conn, 1)
        assert got.replace(b"ping\r\n", b"") == b"\x01\x03meter=42\r\n"
        conn.sendall(b"\xffset relay 1\r\n")
        assert app.uart(2).read_until(b"\r\n", timeout=10) == b"\xffset relay 1\r\n"
        # a quiet interval_s: the heartbeat string
        assert recv_exactly(conn, 6) == b"ping\r\n"
        assert restarts(app) == 1
    finally:
        srv.close()


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_usbnet_rndis(quecpython, runtime):
    """USBNET.set_worktype is kept and applies after a restart (QuecPython
    docs API_reference/en/peripherals/misc.USBNET.md; QuecPython/examples
    network-comm/nic/usbnet/example_network_usbnet_pc.py restarts once),
    so the app restarts exactly once and then runs in RNDIS mode (3)."""
    from conftest import free_port

    app_dir = APPS / "usbnet_rndis"
    port = free_port()
    cfg = with_port(app_dir / "usbnet_config.json", port, "status_port")
    app = quecpython(app_dir, runtime=runtime, files={"usbnet_config.json": cfg})
    app.expect(r"INFO:App:power-on reason 1, USB network work type 1")
    app.expect(r"WARN:USBNET:work type 1 -> 3 \(RNDIS\); restarting")
    app.expect(r"INFO:App:power-on reason 2, USB network work type 3")
    ip = app.block.ip(1)  # the board's data call: in its own loopback block
    app.expect(r"INFO:App:status on %s:%d" % (re.escape(ip), port))
    assert restarts(app) == 1
    with socket.create_connection((ip, port), timeout=10) as c:
        c.settimeout(10)
        assert recv_line(c) == b"worktype=3 status=1 reason=2 ip=%s\r\n" % ip.encode()
    assert restarts(app) == 1


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_modbus_poller(quecpython, runtime):
    """A Modbus RTU slave on the UART pty (Modbus over serial line V1.02:
    CRC-16 0xA001/0xFFFF, low byte first; Modbus application protocol V1.1b3
    functions 0x03 and 0x06, exception replies): every request is checked
    byte by byte, and the values the app logs are the ones the slave sent.
    The RS-485 direction pin is set with uart.control_485(UART.GPIO24, 1)
    (QuecPython docs API_reference/en/peripherals/machine.UART.md)."""
    app_dir = APPS / "modbus_poller"
    cfg = json.loads((app_dir / "modbus_config.json").read_text())
    cfg.update(timeout_ms=3000, poll_ms=100)
    app = quecpython(app_dir, runtime=runtime, uarts=[2], files={"modbus_config.json": cfg})
    bus = app.uart(2)

    def reply(pdu):
        bus.write(pdu + modbus_crc(pdu))

    def request():
        frame = read_exactly(bus, 8)
        assert modbus_crc(frame[:6]) == frame[6:], f"bad CRC in {frame.hex()}"
        return frame[:6]

    # the set-point write, echoed
    assert request() == struct.pack(">BBHH", 1, 6, 10, 300)
    reply(struct.pack(">BBHH", 1, 6, 10, 300))
    read_3 = struct.pack(">BBHH", 1, 3, 0, 3)
    assert request() == read_3
    reply(struct.pack(">BBB3H", 1, 3, 6, 215, 553, 1013))
    assert request() == read_3
    bad = struct.pack(">BBB3H", 1, 3, 6, 1, 2, 3)
    bus.write(bad + bytes(b ^ 0xFF for b in modbus_crc(bad)))  # corrupted CRC
    assert request() == read_3
    reply(struct.pack(">BBB", 1, 0x83, 2))  # exception 2: illegal data address
    assert request() == read_3  # this one is not answered
    assert request() == read_3
    reply(struct.pack(">BBB3H", 1, 3, 6, 230, 540, 65535))

    app.expect(r"INFO:Modbus:slave 1: register 10 = 300")
    app.expect(r"INFO:Modbus:slave 1: temp_x10=215 humidity_x10=553 pressure_hpa=1013$")
    app.expect(r"WARN:Modbus:slave 1: bad CRC$")
    app.expect(r"WARN:Modbus:slave 1: exception 2$")
    app.expect(r"WARN:Modbus:slave 1: no reply$")
    app.expect(r"INFO:Modbus:slave 1: temp_x10=230 humidity_x10=540 pressure_hpa=65535$")
    assert exceptions(app) == []


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_aliyun_reporter(quecpython, tmp_path, runtime):
    """aLiYun(productKey, productSecret, DeviceName, DeviceSecret, MqttServer),
    setMqtt, setCallback, subscribe, publish, start (QuecPython docs
    API_reference/en/cloudlib/aLiYun.md) against mosquitto standing in for
    the cloud: Alink property posts arrive, and a property set request is
    answered and applied."""
    from netservers import Broker

    app_dir = APPS / "aliyun_reporter"
    cfg = json.loads((app_dir / "cloud_config.json").read_text())
    base = "/sys/%s/%s/thing/" % (cfg["productKey"], cfg["DeviceName"])
    broker = Broker(tmp_path)
    cloud = broker.subscriber(base + "#")
    try:
        net = {"hosts": {cfg["MqttServer"].lower(): "203.0.113.20"},
               "endpoints": {"203.0.113.20:1883": "127.0.0.1:%d" % broker.port}}
        app = quecpython(app_dir, runtime=runtime, net=net)
        app.expect(r"INFO:Cloud:connected as meter-0001", timeout=30)

        def message(suffix):
            topic, payload = cloud.messages.get(timeout=20)
            assert topic == base + suffix
            return json.loads(payload)

        post = message("event/property/post")
        assert (post["method"], post["version"], post["params"]) == \
            ("thing.event.property.post", "1.0", {"LightSwitch": 0, "CSQ": 31})
        first_id = int(post["id"])
        app.expect(r"INFO:Cloud:posted")  # posted, so subscribed before: the set below is heard
        broker.publish(base + "service/property/set", json.dumps({"id": "77", "params": {"LightSwitch": 1}}), qos=1)
        assert message("service/property/set") == {"id": "77", "params": {"LightSwitch": 1}}  # our own
        assert message("service/property/set_reply") == {"id": "77", "code": 200, "data": {}}
        post = message("event/property/post")
        assert (int(post["id"]), post["params"]) == (first_id + 1, {"LightSwitch": 1, "CSQ": 31})
        broker.publish(base + "service/property/set", json.dumps({"id": "78", "params": {"LightSwitch": 5}}), qos=1)
        message("service/property/set")
        assert message("service/property/set_reply") == {"id": "78", "code": 460, "data": {}}
        assert exceptions(app) == []
    finally:
        cloud.loop_stop()
        cloud.disconnect()
        broker.stop()
