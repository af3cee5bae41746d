# The MQTT credentials QuecPython's cloud clients sign, and the HMAC under
# them (MicroPython has hashlib but no hmac module; QuecPython ships its own
# hmac.py, QuecPython/micropython v1.0.0 ports/quectel/py/hmac.py).
import binascii
import hashlib


def hmac_hex(key, msg, hashname="sha256"):
    """RFC 2104 HMAC of msg under key, as lowercase hex (str)."""
    h = getattr(hashlib, hashname)
    key = key.encode() if isinstance(key, str) else bytes(key)
    msg = msg.encode() if isinstance(msg, str) else bytes(msg)
    if len(key) > 64:  # SHA-1 and SHA-256 both take 64-byte blocks
        key = h(key).digest()
    key = key + bytes(64 - len(key))
    inner = h(bytes(b ^ 0x36 for b in key) + msg).digest()
    return binascii.hexlify(h(bytes(b ^ 0x5C for b in key) + inner).digest()).decode()


def aliyun(product_key, device_name, device_secret, client_id):
    """(mqtt client id, user, password) for Alibaba Cloud IoT's one-secret-
    per-device login, as QuecPython's aLiYun.py builds them: securemode=3
    (plain TCP), HMAC-SHA256, no timestamp."""
    client = "%s|securemode=3,signmethod=hmacsha256|" % (client_id,)
    user = "%s&%s" % (device_name, product_key)
    content = "clientId%sdeviceName%sproductKey%s" % (client_id, device_name, product_key)
    return client, user, hmac_hex(device_secret, content)


def tencent(product_id, device_name, psk, connid, expiry):
    """(mqtt client id, user, password) for Tencent Cloud IoT Hub's key login:
    the password is HMAC-SHA256 of the user name under the base64-decoded
    device PSK, then ";hmacsha256"."""
    client = "%s%s" % (product_id, device_name)
    user = "%s;12010126;%s;%s" % (client, connid, expiry)
    return client, user, hmac_hex(binascii.a2b_base64(psk), user) + ";hmacsha256"
