"""umqtt: QuecPython's MQTT client, against a minimal MQTT 3.1.1 broker the
app runs on loopback (CONNACK, SUBACK, PUBACK, PINGRESP; a PUBLISH is sent
back to the same client)."""
from conformance._kit import R, Raises
from conformance._servers import SERVERS

D = "DOC API_reference/en/networklib/umqtt.md"
ST = "STUB umqtt.pyi"
S = "SRC25 ports/quectel/py/umqtt.py"

PRELUDE = SERVERS + r'''
from umqtt import MQTTClient


def _len(c):
    n, m = 0, 1
    while True:
        b = read_n(c, 1)[0]
        n += (b & 0x7F) * m
        m *= 128
        if not b & 0x80:
            return n


def broker(c):
    while True:
        h = read_n(c, 1)[0]
        body = read_n(c, _len(c))
        t = h >> 4
        if t == 1:
            c.write(b'\x20\x02\x00\x00')
        elif t == 8:
            c.write(b'\x90\x03' + body[:2] + b'\x00')
        elif t == 12:
            c.write(b'\xd0\x00')
        elif t == 14:
            return
        elif t == 3:
            n = body[0] * 256 + body[1]
            topic, rest = body[2:2 + n], body[2 + n:]
            if (h >> 1) & 3:
                c.write(b'\x40\x02' + rest[:2])
                rest = rest[2:]
            pkt = bytes([0, len(topic)]) + topic + rest
            c.write(bytes([0x30, len(pkt)]) + pkt)


PORT = serve(broker)
got = []
clients = []


def client():
    m = MQTTClient('conf-%d' % utime.ticks_us(), '127.0.0.1', PORT, keepalive=60)
    m.set_callback(lambda topic, msg: got.append((topic, msg)))
    clients.append(m)
    return {'m': m, 'r': m.connect()}


def roundtrip():
    d = client()
    m = d['m']
    del got[:]
    d['sub'] = m.subscribe('conf/t')
    d['pub'] = m.publish('conf/t', 'hello')
    m.wait_msg()
    d['got'] = list(got)
    m.disconnect()
    return d


def refused():
    l, p = free_listener()
    l.close()
    return {'p': p}


def finish():
    # a connected client's keepalive thread keeps the board up: end them all
    for m in clients:
        try:
            m.disconnect()
        except Exception:
            pass
    stop_servers()
'''

ROWS = [
    R("client", "r", 0, D + " connect -> 0"),
    R("client", "m.get_mqttsta()", 0, D + " get_mqttsta: 0 connected"),
    R("client", "m.publish('conf/a', 'x')", True, S + " publish -> True; CHOICE #32"),
    R("client", "m.publish('conf/a', b'x', qos=1)", True, D + " publish(topic, msg, retain, qos=1): acknowledged"),
    R("client", "m.publish('conf/a', 'x', True, 0)", True, D + " publish(topic, msg, retain=True, qos=0)"),
    R("client", "m.ping()", None, D + " ping"),
    R("client", "m.disconnect()", None, D + " disconnect"),
    R("roundtrip", "got", [(b"conf/t", b"hello")], D + " set_callback: callback(topic, msg) with bytes"),
    R("roundtrip", "pub", True, S + " publish -> True"),
    R("client", "m.set_last_will('conf/will', 'bye')", None, D + " set_last_will(topic, msg, retain=False, qos=0)"),
    R("client", "m.check_msg()", None, D + " check_msg: None when nothing waits"),
    R("refused", "MQTTClient('c', '127.0.0.1', p).connect()", Raises("ValueError"), S + " connect failure -> ValueError"),
    R(None, "type(MQTTClient('c', '127.0.0.1')).__name__", "MQTTClient", D + " MQTTClient(client_id, server, port=0, ...)"),
]
