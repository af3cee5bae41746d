# QuecPython dataCall: PDP profiles of the (simulated) cellular link.
import json
from ._port import port as _p
from . import _modem

_save_lock = _p.thread.allocate_lock()

_ZERO4 = "0.0.0.0"
_ZERO6 = "::"


def _pid(profileID):
    if not isinstance(profileID, int) or profileID not in _modem.PROFILES:
        raise ValueError("invalid value, profileID should be in [1,3].")
    return profileID


def _flag(v, what):
    if v not in (0, 1):
        raise ValueError("invalid value, %s should be 0 or 1." % what)
    return v


def _text(v, what):
    if v is not None and (not isinstance(v, str) or len(v.encode()) > 64):
        raise ValueError("invalid value, %s should be a str of 0-64 bytes." % what)
    return v


def setPDPContext(profileID, ipType, apn, username, password, authType):
    _pid(profileID)
    if ipType not in (0, 1, 2):
        raise ValueError("invalid value, ipType should be in [0,2].")
    if authType not in (0, 1, 2, 3):
        raise ValueError("invalid value, authType should be in [0,3].")
    _text(apn, "apn")
    _text(username, "username")
    _text(password, "password")
    with _modem.lock:
        ctx = _modem.profiles[profileID]["ctx"]
        ctx[0] = ipType
        for i, v in ((1, apn), (2, username), (3, password)):
            if v is not None:  # None keeps the stored value
                ctx[i] = v
        if authType == 0 and (ctx[2] or ctx[3]):
            authType = 2  # credentials without an auth type mean CHAP on the module
        elif not (ctx[2] or ctx[3]):
            authType = 0
        ctx[4] = authType
    return 0


def getPDPContext(profileID):
    _pid(profileID)
    with _modem.lock:
        return tuple(_modem.profiles[profileID]["ctx"])


def _save(profileID, key, enable):
    # Persisted where QuecPython's boot reads it on the next power-on.
    with _save_lock:
        saved = _modem.read_saved() or {}
        for n in _modem.PROFILES:
            saved.setdefault(str(n), {"autoActivate": 1 if n == 1 else 0, "autoConnect": 1 if n == 1 else 0})
        saved[str(profileID)][key] = enable
        with open(_modem.SAVED, "w") as f:
            json.dump(saved, f)
    return 0


def setAutoActivate(profileID, enable):
    return _save(_pid(profileID), "autoActivate", _flag(enable, "enable"))


def setAutoConnect(profileID, enable):
    return _save(_pid(profileID), "autoConnect", _flag(enable, "enable"))


def setDNSServer(profileID, simID, priDNS, secDNS):
    _pid(profileID)
    if simID != 0:
        raise ValueError("invalid value, simID should be 0.")
    from ._stack import net

    for ip in (priDNS, secDNS):
        if not isinstance(ip, str) or not net.is_literal(ip):
            return -1
    with _modem.lock:
        p = _modem.profiles[profileID]
        p["dns6" if ":" in priDNS else "dns"] = [priDNS, secDNS]
    return 0


def setCallback(fun):
    if fun is not None and not callable(fun):
        raise TypeError("callback must be callable or None")
    _modem.set_callback(fun)
    return 0


def activate(profileID):
    return _modem.set_active(_pid(profileID), True)


def deactivate(profileID):
    _modem.set_active(_pid(profileID), False)
    return 0


def start(profileidx, iptype=0, apn="", username="", password="", authtype=0, cur_simid=None):
    setPDPContext(profileidx, iptype, apn, username, password, authtype)
    return activate(profileidx)


def stop(profileidx, iptype, cur_simid=None):
    return deactivate(profileidx)


def getInfo(profileID, ipType):
    _pid(profileID)
    if ipType not in (0, 1, 2):
        raise ValueError("invalid value, ipType should be in [0,2].")
    with _modem.lock:
        p = _modem.profiles[profileID]
        up = p["active"]
        kind = p["ctx"][0]
        v4 = [1, 0, p["ipv4"]] + p["dns"] if up and kind in (0, 2) else [0, 0, _ZERO4, _ZERO4, _ZERO4]
        v6 = [1, 0, p["ipv6"]] + p["dns6"] if up and kind in (1, 2) else [0, 0, _ZERO6, _ZERO6, _ZERO6]
    if ipType == 0:
        return (profileID, 0, v4)
    if ipType == 1:
        return (profileID, 1, v6)
    return (profileID, 2, v4, v6)
