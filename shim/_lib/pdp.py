# dataCall's PDP context settings, the auto-activation QuecPython saves for
# its next boot, and start/stop (shim/dataCall.py loads this on first use).
import json
from .._ports import port as _p
from ..dataCall import _m, _dial
from . import saved as _saved

_save_lock = _p.thread.allocate_lock()
_pdp_lock = _p.thread.allocate_lock()


def _pid(profileID):
    # The firmware's Python wrapper (QuecPython/micropython ports/quectel/py
    # dataCall.py) checks 1-3 whatever the model, as the docs' "Range: 1-3";
    # the model's own range is then the C side's (_dial).
    if not isinstance(profileID, int) or not 1 <= profileID <= 3:
        raise ValueError("invalid value, profileID should be in [1,3].")
    return _dial(profileID)


def _flag(v, what):
    if v not in (0, 1):
        raise ValueError("invalid value, %s should be 0 or 1." % what)
    return v


def _text(v, what):
    if v is not None and (not isinstance(v, str) or len(v.encode()) > 64):
        raise ValueError("invalid value, %s should be a str of 0-64 bytes." % what)
    return v


def setPDPContext(profileID, ipType, apn, username, password, authType):
    # The model's range, as start() and getInfo(): the 1-3 of SRC25's
    # wrapper would stop apps written for a module with more profiles.
    return _set(_dial(profileID), ipType, apn, username, password, authType)


def _set(profileID, ipType, apn, username, password, authType):
    if ipType not in (0, 1, 2):
        raise ValueError("invalid value, ipType should be in [0,2].")
    if authType not in (0, 1, 2, 3):
        raise ValueError("invalid value, authType should be in [0,3].")
    _text(apn, "apn")
    _text(username, "username")
    _text(password, "password")
    p = _m().prof(profileID)
    with _pdp_lock:  # the change and its save in one turn: the NV store keeps the last set
        return _store(p, profileID, ipType, apn, username, password, authType)


def _store(p, profileID, ipType, apn, username, password, authType):
    with _m().lock:
        ctx = p["ctx"]
        ctx[0] = ipType
        for i, v in ((1, apn), (2, username), (3, password)):
            if v is not None:  # None keeps the stored value
                ctx[i] = v
        if authType == 0 and (ctx[2] or ctx[3]):
            authType = 2  # credentials without an auth type mean CHAP on the module
        elif not (ctx[2] or ctx[3]):
            authType = 0
        ctx[4] = authType
        ctx = list(ctx)
    # Kept through power-off (docs: setPDPContext "saves the configuration
    # information when power is off"); the next power-on dials with it.
    from .later import part

    _nv = part("_lib.nv")

    _nv.put("pdp", ctx, str(profileID))
    return 0


def getPDPContext(profileID):
    _dial(profileID)
    p = _m().prof(profileID)
    with _m().lock:
        return tuple(p["ctx"])


def _save(profileID, key, enable):
    # Persisted where QuecPython's boot reads it on the next power-on.
    with _save_lock:
        saved = _saved.read() or {}
        for n in (1, 2, 3):  # the file's profiles, as the firmware writes it
            saved.setdefault(str(n), {"autoActivate": 1 if n == 1 else 0, "autoConnect": 1 if n == 1 else 0})
        saved[str(profileID)][key] = enable
        with open(_saved.PATH, "w") as f:
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
    from . import board as _board

    net = _board.get().net
    for ip in (priDNS, secDNS):
        if not isinstance(ip, str) or not net.is_literal(ip):
            return -1
    p = _m().prof(profileID)
    with _m().lock:
        p["dns6" if ":" in priDNS else "dns"] = [priDNS, secDNS]
    return 0


# start, stop and getInfo go to dial without the wrapper's 1-3 check: the
# model's whole range (QuecPython/micropython ports/quectel/py/dataCall.py).
def start(profileidx, iptype=0, apn="", username="", password="", authtype=0, cur_simid=None):
    _set(_dial(profileidx), iptype, apn, username, password, authtype)
    return _m().set_active(profileidx, True)


def stop(profileidx, iptype, cur_simid=None):
    _m().set_active(_dial(profileidx), False)
    return 0
