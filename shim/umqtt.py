# QuecPython umqtt: MQTTClient over _mqtt.BaseMqtt, adding what the module's
# client does on top of the protocol: connect() reports failures as
# ValueError with the module's messages, a keepalive thread pings, and with
# reconn=True an error in wait_msg()/check_msg() or a failed ping reconnects
# (waiting for the network, then 5 + i s between tries) and resubscribes.
# error_register_cb(f) hears "reconnect_start" / "reconnect_success", or the
# error text when reconn=False.
import _thread
import utime
from shim._mqtt import BaseMqtt, MQTTException  # noqa: F401  MQTTException is part of the module

_MSG = {
    "104": "Server Actively RST Disconnected.Need Check addr&port",
    "107": "Server Actively FIN Disconnected.Need Check Connection parameters",
    "4": "Server Actively FIN Disconnected.Need Check Connection parameters",
    "110": "Timeout.Need Check Network",
}


def _code(e):
    return str(e.args[0]) if e.args else str(e)


class MQTTClient(BaseMqtt):
    DELAY = 2
    DEBUG = False

    def __init__(self, client_id, server, port=0, user=None, password=None, keepalive=0,
                 ssl=False, ssl_params=None, reconn=True, version=4, pingmaxnum=0):
        super().__init__(client_id, server, port, user, password, keepalive, ssl, ssl_params, version)
        self.reconn = reconn
        self.pingmaxnum = pingmaxnum
        self.pingnum = pingmaxnum
        self.clean_session = True
        self.topic_list = []
        self.qos = 0
        self.error_callback = None
        self.timerFlag = True  # False once disconnect(): threads and loops end
        self.looptask_id = None
        self.mqttlock = _thread.allocate_lock()  # held while reconnecting
        self.sendlock = _thread.allocate_lock()
        self._waiting = False  # a thread is in wait_msg(): it will read our PUBACKs

    def set_callback(self, callback):
        self.cb = callback

    def error_register_cb(self, callback):
        self.error_callback = callback

    def _tell(self, what):
        if self.error_callback is not None:
            self.error_callback(what)

    def connect(self, clean_session=True):
        self.clean_session = clean_session
        try:
            super().connect(clean_session)
        except Exception as e:  # noqa: BLE001  the module reports every failure as ValueError
            c = _code(e)
            if c in _MSG:
                raise ValueError("MQTT Connect Error='%s' %s" % (c, _MSG[c]))
            raise ValueError("MQTT Connect error='%s' FAIL" % c)
        self.pingnum = self.pingmaxnum
        if self.keepalive > 0 and self.looptask_id is None:
            self.looptask_id = _thread.start_new_thread(self._loop_forever, ())
        return 0

    def _loop_forever(self):
        try:
            while self.timerFlag:
                utime.sleep(min(5, max(1, self.keepalive // 3)))
                if not self.timerFlag:
                    break
                if utime.time() - self.last_time <= self.keepalive - 3:
                    continue
                if self.mqttlock.locked():
                    continue  # reconnecting
                if self.ping_out:
                    if self.pingnum <= 0:
                        if not self.reconn:
                            self._tell("Send ping timeout.")
                            break
                        if hasattr(self.sock, "settimeout"):
                            self.sock.settimeout(3)  # the app's next read times out and reconnects
                        continue
                    self.pingnum -= 1
                try:
                    with self.sendlock:
                        self.ping()
                except Exception as e:  # noqa: BLE001
                    if not self.reconn:
                        self._tell(str(e))
                        break
                    utime.sleep(self.DELAY)
                    self.base_reconnect()
        finally:
            self.looptask_id = None

    def base_reconnect(self):
        if not self.mqttlock.acquire(0):
            return  # another thread is at it
        try:
            self._tell("reconnect_start")
            i = 0
            while self.timerFlag:
                self.close()
                self._wait_network()
                try:
                    super().connect(self.clean_session)
                    self.pingnum = self.pingmaxnum
                    self.ping_out = False
                    for t in self.topic_list:
                        super().subscribe(t, self.qos)
                    break
                except Exception:  # noqa: BLE001  any failure: wait longer, try again
                    i += 1
                    utime.sleep(5 + i)
        finally:
            self.mqttlock.release()
        if self.timerFlag:
            self._tell("reconnect_success")

    @staticmethod
    def _wait_network():
        import dataCall
        import net

        while net.getState()[1][0] not in (1, 5) or dataCall.getInfo(1, 0)[2][0] != 1:
            utime.sleep(5)

    def publish(self, topic, msg, retain=False, qos=0):
        try:
            with self.sendlock:
                pid = super().publish(topic, msg, retain, qos)
            if qos == 1:
                return self._await_puback(pid)
            return True
        except Exception as e:  # noqa: BLE001  the module's publish never raises
            if self.DEBUG:
                print("publish failed:", e)
            return False

    def _await_puback(self, pid):
        end = utime.ticks_add(utime.ticks_ms(), 5000)
        while pid in self.pending and utime.ticks_diff(end, utime.ticks_ms()) > 0:
            if self.mqttlock.locked() or self._waiting:
                utime.sleep_ms(50)  # the app's wait_msg() thread reads the PUBACK
            elif self.check_msg() is None:
                utime.sleep_ms(10)
        ok = pid not in self.pending
        self.pending.discard(pid)
        return ok

    def subscribe(self, topic, qos=0):
        if topic not in self.topic_list:
            self.topic_list.append(topic)
        self.qos = qos
        with self.sendlock:
            super().subscribe(topic, qos)

    def wait_msg(self):
        return self._retrying(BaseMqtt.wait_msg)

    def check_msg(self):
        return self._retrying(BaseMqtt.check_msg)

    def _retrying(self, read):
        while self.timerFlag:
            try:
                self._waiting = True
                return read(self)
            except Exception:  # noqa: BLE001
                if not self.reconn or not self.timerFlag:
                    raise
                utime.sleep(1)
                self.base_reconnect()
            finally:
                self._waiting = False
        return None

    def disconnect(self):
        self.timerFlag = False
        try:
            with self.sendlock:
                super().disconnect()
        except OSError:
            pass
