# QuecPython TenCentYun: Tencent Cloud IoT Hub's MQTT client (class TXyun)
# over the shim's umqtt. Client id <productID><devicename>, server
# <productID>.iotcloud.tencentdevices.com:1883 (the board config's hosts and
# endpoints say where that is on the desktop); the user name carries a random
# connection id and an expiry an hour ahead, signed with the device PSK (see
# _cloudsign.tencent). Dynamic registration (a ProductSecret instead of a
# PSK) asks Tencent's HTTP gateway for the PSK; the desktop has no such
# gateway, so the PSK must come from /usr/tx_secret.json, where the module's
# TenCentYun.py keeps the one it was given (an absolute path: apps start in
# `/`, and the module's own check_secret/save_Secret open /usr/...).
import _thread
import ujson
import urandom
import utime
from umqtt import MQTTClient
from shim._lib import cloudsign as _cloudsign
from shim._lib.cloud import Client

SECRET_FILE = "/usr/tx_secret.json"  # {devicename: psk}


class TXyun(Client):
    def __init__(self, productID, devicename, devicePsk, ProductSecret=None):
        self.productID = productID
        self.devicename = devicename
        self.devicePsk = devicePsk
        self.ProductSecret = ProductSecret
        self.mqtt_server = "{}.iotcloud.tencentdevices.com".format(productID)
        self.clientid = "{}{}".format(productID, devicename)
        self.username = None
        self.password = None

    def setMqtt(self, clean_session=False, keepAlive=300, reconn=True):
        if self.ProductSecret is not None:
            psk = _stored_psk(self.devicename)
            if not psk:
                print("[ERROR] dynamic registration: no key for %s in /usr/tx_secret.json, and the"
                      " desktop has no Tencent gateway to register with" % (self.devicename,))
                return -1
            self.devicePsk = psk
        try:
            self.mqtt_client = self.connect(keepAlive, clean_session, reconn)
            return 0
        except Exception as e:  # noqa: BLE001  the module reports every failure as -1
            print("[ERROR] connect failed. Error : %s" % str(e))
            return -1

    def connect(self, keepAlive, clean_session, reconn=True):
        self.formatConnectInfo()
        c = MQTTClient(self.clientid, self.mqtt_server, 1883, self.username, self.password,
                       keepAlive, reconn=reconn)
        self._attach(c).connect(clean_session=clean_session)
        return c

    def formatConnectInfo(self):
        expiry = int(utime.mktime(utime.localtime())) + 60 * 60
        _, self.username, self.password = _cloudsign.tencent(
            self.productID, self.devicename, self.devicePsk, self.rundom(), expiry)

    def publish(self, topic, msg, retain=False, qos=0):
        try:
            self.mqtt_client.publish(topic, msg, retain, qos)
            return 0
        except OSError as e:
            print("[WARNING] Publish failed. Try to reconnect : %s" % str(e))
            return -1

    def _listen(self):
        while True:
            try:
                if self.mqtt_client.wait_msg() is None and not self.mqtt_client.timerFlag:
                    return  # disconnected
            except OSError as e:
                if self.error_callback is not None:
                    self.error_callback(str(e))
                return -1

    def start(self):
        self.listen_task_id = _thread.start_new_thread(self._listen, ())

    def disconnect(self):
        self.mqtt_client.disconnect()

    def getTXyunsta(self):
        return self._state()

    @staticmethod
    def rundom():
        # five draws of 1..10, as the module makes its connection id
        return int("".join(str(urandom.randint(1, 10)) for _ in range(5)))


def _stored_psk(name):
    try:
        with open(SECRET_FILE) as f:
            return ujson.load(f).get(name)
    except (OSError, ValueError, AttributeError):
        return None
