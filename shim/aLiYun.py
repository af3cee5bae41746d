# QuecPython aLiYun: Alibaba Cloud IoT's MQTT client over the shim's umqtt,
# as QuecPython/micropython v1.0.0 ports/quectel/py/aLiYun.py builds it: the
# client id, user and password are signed from the device's triple (see
# _cloudsign.aliyun), the server is <productKey>.iot-as-mqtt.cn-shanghai.
# aliyuncs.com:1883 unless given (on the desktop the board config's hosts and
# endpoints say where that really is). With a productSecret (one secret per
# product) the device secret comes from /usr/secret.json, which the module's
# dynamic registration writes; the registration itself is the cloud's, and
# the desktop has no cloud to register with.
import _thread
import ujson
import uos
import utime
from umqtt import MQTTClient
from shim._lib import cloudsign as _cloudsign
from shim._lib.cloud import Client

MQTT_SERVER = "{}.iot-as-mqtt.cn-shanghai.aliyuncs.com"


class aLiYun(Client):
    def __init__(self, productKey, productSecret=None, DeviceName=None, DeviceSecret=None,
                 MqttServer=None, MqttPort=1883, ssl=False,
                 ssl_params={}):  # noqa: B006  the module's own signature
        self.productKey = productKey
        self.productSecret = productSecret
        self.DeviceName = DeviceName
        self.DeviceSecret = DeviceSecret
        self.addr = MqttServer
        self.port = MqttPort
        self.ssl = ssl
        self.ssl_params = ssl_params
        self.clientID = None
        self.username = "{}&{}".format(DeviceName, productKey)
        self.password = None
        self.reconn = True
        self.flag = True
        self._live = False  # connected, until disconnect()

    def setMqtt(self, clientID=None, clean_session=True, keepAlive=300, reconn=True, pingmaxnum=0,
                manage=False):
        self.clientID = clientID
        self.reconn = reconn
        if self._live:
            return self.mqtt_client  # already connected: the module hands back its client
        if self.productSecret is not None:
            secret = _stored_secret(self.DeviceName)
            if not secret:
                print("[ERROR] MQTT dynamic registration: no secret for %s in /usr/secret.json,"
                      " and the desktop has no cloud to register with" % (self.DeviceName,))
                return -1
            self.DeviceSecret = secret
        try:
            self._connect(clean_session, keepAlive, reconn, pingmaxnum)
        except Exception as e:  # noqa: BLE001  the module reports every failure as -1
            print("[ERROR] connect failed. Error : %s" % str(e))
            return -1
        return 0

    def _connect(self, clean_session, keepAlive, reconn, pingmaxnum):
        client, user, self.password = _cloudsign.aliyun(
            self.productKey, self.DeviceName, self.DeviceSecret, self.clientID)
        server = MQTT_SERVER.format(self.productKey) if self.addr is None else self.addr
        c = MQTTClient(client, server, self.port, user, self.password, keepAlive, ssl=self.ssl,
                       ssl_params=self.ssl_params, reconn=reconn, pingmaxnum=pingmaxnum)
        self.mqtt_client = self._attach(c)
        c.connect(clean_session=clean_session)
        self._live = True
        return c

    def publish(self, topic, msg, retain=False, qos=0):
        try:
            return self.mqtt_client.publish(topic, msg, retain, qos)
        except OSError as e:
            print("[WARNING] Publish failed. OSError : %s" % str(e))
            return -1

    def _listen(self):
        while self.flag:
            try:
                self.mqtt_client.wait_msg()
                utime.sleep_ms(100)
            except OSError as e:
                if not self.flag:
                    break
                if self.error_callback is not None:
                    self.error_callback(str(e))
                    break
                raise

    def start(self):
        self.flag = True
        size = _thread.stack_size()
        _thread.stack_size(16 * 1024)
        try:
            self.listen_task_id = _thread.start_new_thread(self._listen, ())
        finally:
            _thread.stack_size(size)

    def disconnect(self):
        self.flag = False
        self._live = False
        if self.listen_task_id is not None:
            _thread.stop_thread(self.listen_task_id)
            self.listen_task_id = None
        self.mqtt_client.disconnect()

    def close(self):
        if self.mqtt_client is not None:
            self.mqtt_client.close()
        return -1

    def getAliyunSta(self):
        return self._state()


def _stored_secret(name):
    try:
        if "secret.json" not in uos.listdir("/usr/"):
            return None
        with open("/usr/secret.json") as f:
            return ujson.load(f).get(name)
    except (OSError, ValueError, AttributeError) as e:
        print("[ERROR] File Open failed : %s" % str(e))
        return None
