# The MQTT 3.1/3.1.1 wire protocol under QuecPython's umqtt: one connection,
# QoS 0 and 1. One thread at a time reads packets (wait_msg / check_msg);
# every packet is written whole under one lock, so threads that publish
# while another waits for messages never interleave their bytes. Retries,
# keepalive and QuecPython's error reporting are umqtt.MQTTClient's.
import _thread
import ustruct
import usocket

import utime
from shim._lib import board as _board

ACK_S = 5  # how long publish (QoS 1) and subscribe wait for their ack, as the module


class MQTTException(Exception):
    pass


def _b(s):
    return s.encode() if isinstance(s, str) else bytes(s)


def _str(s):
    s = _b(s)
    return ustruct.pack("!H", len(s)) + s


def _len(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


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
        self.acks = {}  # SUBSCRIBE packet id -> SUBACK return code
        self.ping_out = False  # a PINGREQ is waiting for its PINGRESP
        self.last_time = 0
        self.connSta = False
        self.sendlock = _thread.allocate_lock()  # one packet on the wire at a time
        self._rlock = _thread.allocate_lock()  # one reader at a time
        self._alock = _thread.allocate_lock()  # pending, acks, pid

    def _next_pid(self):
        with self._alock:
            self.pid = self.pid % 65535 + 1
            return self.pid

    def _send(self, packet, sock=None):
        with self.sendlock:
            (sock or self.sock).write(packet)

    def _read(self, n, sock=None):
        data = (sock or self.sock).read(n)
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

    def set_callback(self, f):
        self.cb = f

    def set_last_will(self, topic, msg, retain=False, qos=0):
        assert 0 <= qos <= 2
        assert topic
        self.lw_topic, self.lw_msg, self.lw_qos, self.lw_retain = topic, msg, qos, retain

    def _connect_packet(self, clean_session):
        name, level = (b"MQIsdp", 3) if self.version == 3 else (b"MQTT", 4)
        user = self.user is not None
        pswd = user and self.pswd is not None  # MQTT 3.1.1: no password without a user name
        flags = clean_session << 1 | user << 7 | pswd << 6
        payload = _str(self.client_id)
        if self.lw_topic:
            flags |= 0x4 | (self.lw_qos & 3) << 3 | self.lw_retain << 5
            payload += _str(self.lw_topic) + _str(self.lw_msg)
        if user:
            payload += _str(self.user)
        if pswd:
            payload += _str(self.pswd)
        body = _str(name) + ustruct.pack("!BBH", level, flags, self.keepalive) + payload
        return b"\x10" + _len(len(body)) + body

    def connect(self, clean_session=True):
        """Open a new connection; self.sock is replaced only once the broker
        has accepted it, so no reader ever sees a half-open one."""
        self.close()
        addr = usocket.getaddrinfo(self.server, self.port)[0][-1]
        sock = raw = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM)
        try:
            raw.settimeout(20)
            raw.connect(addr)
            if self.ssl:
                import ussl

                params = dict(self.ssl_params)
                params.setdefault("server_hostname", self.server)
                sock = ussl.wrap_socket(raw, **params)
            self._send(self._connect_packet(clean_session), sock)
            resp = self._read(4, sock)
            assert resp[0] == 0x20 and resp[1] == 0x02
            if resp[3] != 0:
                raise MQTTException(resp[3])
        except BaseException:
            sock.close()
            if sock is not raw:
                raw.close()
            raise
        # connected: wait_msg blocks; the keepalive watches the link
        if sock is raw:
            raw.settimeout(None)
        else:
            sock.setblocking(True)
        with self._alock:
            self.pending.clear()
            self.acks.clear()
        self.sock = sock
        self.last_time = utime.time()
        self.ping_out = False
        self.connSta = True
        return resp[2] & 1

    def disconnect(self):
        self.connSta = False
        try:
            self._send(b"\xe0\0")
        finally:
            self.close()

    def close(self):
        if self.sock is not None:
            self.sock.close()

    def ping(self):
        # Marked before it goes: another thread may read the PINGRESP before
        # this one runs again.
        self.ping_out = True
        self.last_time = utime.time()
        self._send(b"\xc0\0")

    def publish(self, topic, msg, retain=False, qos=0):
        if qos == 2:
            raise AssertionError("QOS2 Not Support")
        msg = _b(msg)
        pid = 0
        body = _str(topic)
        if qos:
            pid = self._next_pid()
            with self._alock:
                self.pending.add(pid)
            body += ustruct.pack("!H", pid)
        body += msg
        self._send(bytes([0x30 | qos << 1 | retain]) + _len(len(body)) + body)
        return pid

    def subscribe(self, topic, qos=0):
        assert self.cb is not None, "Subscribe callback is not set"
        pid = self._next_pid()
        body = ustruct.pack("!H", pid) + _str(topic) + bytes([qos])
        self._send(b"\x82" + _len(len(body)) + body)
        code = self._await(lambda: self.acks.pop(pid, None))
        if code == 0x80:
            raise MQTTException(0x80)

    def _await(self, took):
        """Wait up to ACK_S for took() (called under _alock) to give a value:
        reading packets ourselves when no other thread is, else letting the
        thread that reads deliver it."""
        end = utime.ticks_add(utime.ticks_ms(), ACK_S * 1000)
        while True:
            with self._alock:
                v = took()
            if v is not None:
                return v
            left = utime.ticks_diff(end, utime.ticks_ms())
            if left <= 0:
                return None
            if self._rlock.acquire(0):
                try:
                    self._packet(min(left, 200))
                except OSError as e:
                    if e.args[0] not in (11, 110):
                        raise
                finally:
                    self._rlock.release()
            else:
                utime.sleep_ms(20)  # the reading thread hands it over

    def _packet(self, timeout_ms=None):
        """Read one whole packet (the caller holds _rlock). timeout_ms: None
        blocks; otherwise OSError(11) when nothing arrives within it. The
        socket stays blocking: other threads may be writing to it."""
        sock = self.sock
        plain = hasattr(sock, "recv")
        if timeout_ms is not None:
            native = getattr(sock, "_tls", None) or getattr(sock, "_s", None) or sock
            if not _board.get().net.readable(native, timeout_ms):
                raise OSError(11)
        # recv on a plain socket, as the module's client: at the end of the
        # stream it gives b'' once, then raises (and so reconnects)
        res = sock.recv(1) if plain else sock.read(1)
        if res is None:
            raise OSError(11)
        if not res:
            if not plain:
                raise OSError(107)  # TLS: the end of the stream
            return None
        op = res[0]
        size = self._recv_len()
        if op & 0xF0 == 0x30:
            return self._publish_in(op, size)
        body = self._read(size) if size else b""
        if op == 0xD0:  # PINGRESP
            self.ping_out = False
            return b"\xd0"
        if op == 0x40 and size == 2:  # PUBACK
            with self._alock:
                self.pending.discard(ustruct.unpack("!H", body)[0])
            return None
        if op == 0x90 and size >= 3:  # SUBACK
            with self._alock:
                self.acks[ustruct.unpack("!H", body[:2])[0]] = body[2]
        return op

    def _publish_in(self, op, size):
        tlen = ustruct.unpack("!H", self._read(2))[0]
        topic = self._read(tlen)
        size -= tlen + 2
        pid = 0
        if op & 6:
            pid = ustruct.unpack("!H", self._read(2))[0]
            size -= 2
        msg = self._read(size) if size else b""
        if op & 6 == 2:
            self._send(b"\x40\x02" + ustruct.pack("!H", pid))
        elif op & 6 == 4:
            raise AssertionError("QOS2 Not Support")
        if self.cb is not None:
            self.cb(topic, msg)
        return None

    def wait_msg(self):
        """Read one packet: a PUBLISH goes to the callback as (topic, msg)
        bytes; returns None, or the type byte of other packets."""
        with self._rlock:
            return self._packet()

    def check_msg(self):
        """wait_msg() if a packet is waiting, else None at once."""
        if not self._rlock.acquire(0):
            return None  # another thread is reading: it delivers
        try:
            return self._packet(0)
        except OSError as e:
            if e.args and e.args[0] in (11, 110):
                return None  # nothing waiting
            raise
        finally:
            self._rlock.release()

    def get_mqttsta(self):
        try:
            # a TLS socket answers for the usocket under it
            st = getattr(self.sock, "_sock", None) or self.sock
            st = st.getsocketsta()
        except Exception:  # noqa: BLE001  closed, or no socket yet
            return -1
        if st in (0, 2, 3):
            return 1
        if st == 4:
            return 0 if self.connSta else -1
        if st in (7, 8):
            return 2
        return -1
