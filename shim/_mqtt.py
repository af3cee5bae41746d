# The MQTT 3.1/3.1.1 wire protocol under QuecPython's umqtt: one connection,
# QoS 0 and 1, packets read by wait_msg() in the caller's thread. Retries,
# keepalive and QuecPython's error reporting are umqtt.MQTTClient's.
import ustruct
import usocket

import utime


class MQTTException(Exception):
    pass


class BaseMqtt:
    CONNECTEXCE = -1
    CONNECTSUCCESS = 0
    ARECONNECT = 1
    SEVCLOSE = 2

    def __init__(self, client_id, server, port=0, user=None, password=None, keepalive=0,
                 ssl=False, ssl_params=None, version=4):
        if keepalive and keepalive < 5:
            raise ValueError("inport parameter error : keepalive >= 5S")
        self.client_id = client_id
        self.server = server
        self.port = port or (8883 if ssl else 1883)
        self.user = user
        self.pswd = password
        self.keepalive = keepalive
        self.ssl = ssl
        self.ssl_params = ssl_params or {}
        self.version = version
        self.sock = None
        self.cb = None
        self.lw_topic = None
        self.lw_msg = None
        self.lw_qos = 0
        self.lw_retain = False
        self.pid = 0
        self.pending = set()  # QoS 1 packet ids waiting for their PUBACK
        self.ping_out = False  # a PINGREQ is waiting for its PINGRESP
        self.last_time = 0
        self.connSta = False

    def _next_pid(self):
        self.pid = self.pid % 65535 + 1
        return self.pid

    def _send_str(self, s):
        if isinstance(s, str):
            s = s.encode()
        self.sock.write(ustruct.pack("!H", len(s)))
        self.sock.write(s)

    def _read(self, n):
        data = self.sock.read(n)
        if not data or len(data) < n:
            raise OSError(-1)  # the connection ended inside a packet
        return data

    def _recv_len(self):
        n = sh = 0
        while True:
            b = self._read(1)[0]
            n |= (b & 0x7F) << sh
            if not b & 0x80:
                return n
            sh += 7

    @staticmethod
    def _len(n):
        out = bytearray()
        while True:
            b = n & 0x7F
            n >>= 7
            out.append(b | (0x80 if n else 0))
            if not n:
                return out

    def set_callback(self, f):
        self.cb = f

    def set_last_will(self, topic, msg, retain=False, qos=0):
        assert 0 <= qos <= 2
        assert topic
        self.lw_topic, self.lw_msg, self.lw_qos, self.lw_retain = topic, msg, qos, retain

    def connect(self, clean_session=True):
        addr = usocket.getaddrinfo(self.server, self.port)[0][-1]
        self.sock = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM)
        self.sock.settimeout(20)
        self.sock.connect(addr)
        if self.ssl:
            import ussl

            params = dict(self.ssl_params)
            params.setdefault("server_hostname", self.server)
            self.sock = ussl.wrap_socket(self.sock, **params)
        name, level = (b"MQIsdp", 3) if self.version == 3 else (b"MQTT", 4)
        flags = (clean_session << 1) | ((self.user is not None) << 7) | ((self.pswd is not None) << 6)
        size = 2 + len(name) + 4 + 2 + len(self.client_id)
        if self.lw_topic:
            flags |= 0x4 | (self.lw_qos & 1) << 3 | (self.lw_qos & 2) << 3 | self.lw_retain << 5
            size += 2 + len(self.lw_topic) + 2 + len(self.lw_msg)
        for v in (self.user, self.pswd):
            if v is not None:
                size += 2 + len(v)
        self.sock.write(b"\x10" + self._len(size))
        self._send_str(name)
        self.sock.write(ustruct.pack("!BBH", level, flags, self.keepalive))
        self._send_str(self.client_id)
        if self.lw_topic:
            self._send_str(self.lw_topic)
            self._send_str(self.lw_msg)
        for v in (self.user, self.pswd):
            if v is not None:
                self._send_str(v)
        resp = self._read(4)
        assert resp[0] == 0x20 and resp[1] == 0x02
        if resp[3] != 0:
            raise MQTTException(resp[3])
        if hasattr(self.sock, "settimeout"):
            self.sock.settimeout(None)  # connected: wait_msg blocks; the pinger watches the link
        self.last_time = utime.time()
        self.ping_out = False
        self.connSta = True
        return resp[2] & 1

    def disconnect(self):
        self.connSta = False
        try:
            self.sock.write(b"\xe0\0")
        finally:
            self.sock.close()

    def close(self):
        if self.sock is not None:
            self.sock.close()

    def ping(self):
        self.sock.write(b"\xc0\0")
        self.last_time = utime.time()
        self.ping_out = True

    def publish(self, topic, msg, retain=False, qos=0):
        if qos == 2:
            raise AssertionError("QOS2 Not Support")
        if isinstance(msg, str):
            msg = msg.encode()
        size = 2 + len(topic) + len(msg) + (2 if qos else 0)
        self.sock.write(bytes([0x30 | qos << 1 | retain]) + self._len(size))
        self._send_str(topic)
        pid = 0
        if qos:
            pid = self._next_pid()
            self.pending.add(pid)
            self.sock.write(ustruct.pack("!H", pid))
        self.sock.write(msg)
        return pid

    def subscribe(self, topic, qos=0):
        assert self.cb is not None, "Subscribe callback is not set"
        pid = self._next_pid()
        t = topic.encode() if isinstance(topic, str) else topic
        self.sock.write(b"\x82" + self._len(2 + 2 + len(t) + 1) + ustruct.pack("!H", pid))
        self._send_str(t)
        self.sock.write(bytes([qos]))
        while True:
            op = BaseMqtt.wait_msg(self)
            if op == 0x90:
                resp = self._read(4)
                if resp[1:3] != ustruct.pack("!H", pid):
                    continue
                if resp[3] == 0x80:
                    raise MQTTException(0x80)
                return

    def wait_msg(self):
        """Read one packet: a PUBLISH goes to the callback as (topic, msg)
        bytes; returns None, or the type byte of other packets."""
        sock = self.sock
        # recv on a plain socket, as the module's client: at the end of the
        # stream it gives b'' once, then raises (and so reconnects)
        res = sock.recv(1) if hasattr(sock, "recv") else sock.read(1)
        sock.setblocking(True)
        if not res:
            return None
        op = res[0]
        if op == 0xD0:  # PINGRESP
            self._read(1)
            self.ping_out = False
            return b"\xd0"
        if op == 0x40:  # PUBACK
            self._read(1)
            self.pending.discard(ustruct.unpack("!H", self._read(2))[0])
            return None
        if op & 0xF0 != 0x30:
            return op
        size = self._recv_len()
        tlen = ustruct.unpack("!H", self._read(2))[0]
        topic = self._read(tlen)
        size -= tlen + 2
        pid = 0
        if op & 6:
            pid = ustruct.unpack("!H", self._read(2))[0]
            size -= 2
        msg = self._read(size) if size else b""
        if op & 6 == 2:
            self.sock.write(b"\x40\x02" + ustruct.pack("!H", pid))
        elif op & 6 == 4:
            raise AssertionError("QOS2 Not Support")
        if self.cb is not None:
            self.cb(topic, msg)
        return None

    def check_msg(self):
        self.sock.setblocking(False)
        try:
            return BaseMqtt.wait_msg(self)
        except OSError as e:
            if e.args and e.args[0] in (11, 110):
                self.sock.setblocking(True)
                return None  # nothing waiting
            raise

    def get_mqttsta(self):
        try:
            # a TLS socket answers for the usocket under it
            st = getattr(self.sock, "_sock", None) or self.sock
            st = st.getsocketsta()
        except Exception:  # noqa: BLE001  closed, or a TLS socket without it
            return -1
        if st in (0, 2, 3):
            return 1
        if st == 4:
            return 0 if self.connSta else -1
        if st in (7, 8):
            return 2
        return -1
