"""aLiYun and TenCentYun: QuecPython's cloud MQTT clients, without a cloud.
What they do before and around a connection (the wire itself, against
mosquitto, is tests/test_cloud_mqtt.py's). Each expected credential is
computed here with CPython's hmac, not by the shim."""
import hashlib
import hmac

from conformance._kit import R, Raises

A = "SRC25 ports/quectel/py/aLiYun.py"
AD = "WIKI en-us/api/QuecPythonThirdlib.md aLiYun"
T = "WIKI en-us/api/QuecPythonThirdlib.md TenCentYun (TXyun)"
TD = T

ALI_PASSWORD = hmac.new(b"s3cr3t", b"clientIdc1deviceNamedev1productKeypk1", hashlib.sha256).hexdigest()

PRELUDE = r'''
import aLiYun, TenCentYun
def ali():
    return {'a': aLiYun.aLiYun('pk1', None, 'dev1', 's3cr3t')}
def dyn():
    return {'a': aLiYun.aLiYun('pk1', 'productSecret', 'dev1', None)}
def tx():
    return {'t': TenCentYun.TXyun('PID', 'dev1', 'MDEyMzQ1Njc4OWFiY2RlZg==')}
'''

ROWS = [
    R("ali", "a.username", "dev1&pk1", A + " __init__: user <DeviceName>&<productKey>"),
    R("ali", "a.getAliyunSta()", -1, A + " getAliyunSta before setMqtt: no client, -1"),
    R("ali", "callable(a.setCallback) and callable(a.callback)", True, AD + " setCallback (also callback)"),
    # The cloud's host name is not mapped on the default board: the connect fails and
    # setMqtt reports it as -1, as the module reports every connect failure.
    R("ali", "a.setMqtt('c1')", -1, A + " setMqtt: -1 when the connect fails"),
    R("ali", "(a.setMqtt('c1'), a.password)", (-1, ALI_PASSWORD),
      A + " password: HMAC-SHA256 of clientId..deviceName..productKey.. under the DeviceSecret"),
    R("dyn", "a.setMqtt('c1')", -1, A + " productSecret: the device secret comes from /usr/secret.json (none here)"),
    R("tx", "t.getTXyunsta()", -1, T + " getTXyunsta before setMqtt: -1"),
    R("tx", "t.clientid", "PIDdev1", T + " client id <productID><devicename>"),
    R("tx", "t.mqtt_server", "PID.iotcloud.tencentdevices.com", T + " server <productID>.iotcloud.tencentdevices.com"),
    R("tx", "t.setMqtt()", -1, T + " setMqtt: -1 when the connect fails"),
    # Tencent Cloud IoT Hub's device login (its "MQTT access" documentation):
    R("tx", "(t.setMqtt(), t.username.split(';')[:2])", (-1, ["PIDdev1", "12010126"]),
      TD + " user <client id>;12010126;<connid>;<expiry>"),
    R("tx", "(t.setMqtt(), t.password.endswith(';hmacsha256'), len(t.password))", (-1, True, 64 + 11),
      TD + " password: hex HMAC-SHA256 then ;hmacsha256"),
]
ROWS += [
    R("ali", "a.setCallback(5)", Raises("TypeError"), A + " setCallback: a callable (the shim refuses others at once)"),
    R("tx", "t.error_register_cb('x')", Raises("TypeError"), T + " error_register_cb: a callable"),
]
