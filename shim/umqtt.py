# QuecPython umqtt: MQTTClient over _mqtt.BaseMqtt, adding what the module's
# client does on top of the protocol: connect() reports failures as
# ValueError with the module's messages, a keepalive thread pings, and with
# reconn=True an error in wait_msg()/check_msg() or a failed ping reconnects
# (waiting for the network, then 5 + i s between tries) and resubscribes.
# error_register_cb(f) hears "reconnect_start" / "reconnect_success", or the
# error text when reconn=False.
import _thread
import utime
from shim._lib.mqtt import BaseMqtt, MQTTException  # noqa: F401  MQTTException is part of the module

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
        self.timerFlag = True  # False after disconnect(): the keepalive and the read loops end
        self.looptask_id = None
        self.mqttlock = _thread.allocate_lock()  # held while reconnecting

    def set_callback(self, callback):
        # Refused here, not in the thread that reads the first message.
        if not callable(callback):
            raise TypeError("callback must be callable")
        self.cb = callback

    def error_register_cb(self, callback):
        if callback is not None and not callable(callback):
            raise TypeError("callback must be callable or None")
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
        self.timerFlag = True  # connect() after disconnect() starts over
        self.pingnum = self.pingmaxnum
        if self.keepalive > 0 and self.looptask_id is None:
            self.looptask_id = _thread.start_new_thread(self._loop_forever, ())
        return 0

    def _loop_forever(self):
        # The keepalive: every few seconds, read what is waiting when no other
        # thread is reading (a PINGRESP, or the end of the connection), and
        # ping when the keepalive is nearly up. A ping still unanswered at the
        # next one (after pingmaxnum extra tries) means the link is dead:
        # with reconn it is reset and reconnected, else the error is reported.
        try:
            while self.timerFlag:
                utime.sleep(min(5, max(1, self.keepalive // 3)))
                if not self.timerFlag:
                    break
                if self.mqttlock.locked():
                    continue  # reconnecting
                try:
                    self._drain()
                    if utime.time() - self.last_time <= self.keepalive - 3:
                        continue
                    if self.ping_out:
                        if self.pingnum <= 0:
                            raise OSError("Send ping timeout.")
                        self.pingnum -= 1
                    self.ping()
                except Exception as e:  # noqa: BLE001  a dead link, however it shows
                    if not self.timerFlag:
                        break
                    if not self.reconn:
                        self._tell(e.args[0] if e.args and isinstance(e.args[0], str) else str(e))
                        break
                    self._abort()  # wakes a reader blocked on the dead connection
                    utime.sleep(self.DELAY)
                    self.base_reconnect()
        finally:
            self.looptask_id = None

    def _drain(self):
        if not self._rlock.acquire(0):
            return  # another thread reads: it takes the PINGRESP too
        try:
            while True:
                if self._packet(0) is None and not self.connSta:
                    return
        except OSError as e:
            if e.args[0] != 11:
                raise
        finally:
            self._rlock.release()

    def base_reconnect(self):
        if not self.mqttlock.acquire(0):
            return  # another thread is at it
        try:
            self._tell("reconnect_start")
            i = 0
            while self.timerFlag:
                self._abort()
                if not self._wait_network():
                    break
                try:
                    BaseMqtt.connect(self, self.clean_session)
                    self.pingnum = self.pingmaxnum
                    for t in self.topic_list:
                        BaseMqtt.subscribe(self, t, self.qos)
                    break
                except Exception:  # noqa: BLE001  any failure: wait longer, try again
                    i += 1
                    self._sleep(5 + i)
        finally:
            self.mqttlock.release()
        if self.timerFlag:
            self._tell("reconnect_success")

    def _sleep(self, s):
        """Sleep s seconds, or less once disconnect() is called; False then."""
        for _ in range(s):
            if not self.timerFlag:
                return False
            utime.sleep(1)
        return self.timerFlag

    def _abort(self):
        # The old connection is dead: reset it so a thread still blocked
        # reading it wakes (closing alone would not wake it on the desktop).
        raw = getattr(self.sock, "_sock", None) or self.sock
        if raw is not None and hasattr(raw, "_abort"):
            raw._abort()

    def _wait_network(self):
        """Wait for registration and a data call, as the module's client
        does before each try; False when disconnect() ends the wait."""
        import dataCall
        import net

        while net.getState()[1][0] not in (1, 5) or dataCall.getInfo(1, 0)[2][0] != 1:
            if not self._sleep(5):
                return False
        return self.timerFlag

    def publish(self, topic, msg, retain=False, qos=0):
        pid = 0
        try:
            pid = super().publish(topic, msg, retain, qos)
            if qos == 1:
                return self._await(lambda: None if pid in self.pending else True) is True
            return True
        except Exception as e:  # noqa: BLE001  the module's publish never raises
            if self.DEBUG:
                print("publish failed:", e)
            return False
        finally:
            if pid:
                with self._alock:
                    self.pending.discard(pid)  # acked, or given up on

    def subscribe(self, topic, qos=0):
        if topic not in self.topic_list:
            self.topic_list.append(topic)
        self.qos = qos
        super().subscribe(topic, qos)

    def wait_msg(self):
        return self._retrying(BaseMqtt.wait_msg)

    def check_msg(self):
        return self._retrying(BaseMqtt.check_msg)

    def _retrying(self, read):
        while self.timerFlag:
            try:
                return read(self)
            except Exception:  # noqa: BLE001
                if not self.timerFlag:
                    return None  # disconnect() under a blocked read: the loop ends quietly
                if not self.reconn:
                    raise
                utime.sleep(1)
                self.base_reconnect()
                with self.mqttlock:
                    pass  # another thread's reconnect: read again once it is done
        return None

    def disconnect(self):
        self.timerFlag = False
        try:
            super().disconnect()
        except OSError:
            pass
