# QuecPython dataCall: PDP profiles of the (simulated) cellular link. What
# most apps call is here; the PDP context settings, the saved auto-activation
# and start/stop are shim/_lib/pdp.py, loaded on first use.
from ._lib import board as _board


def _m():
    # The board's modem, powered on with the board (never at import).
    return _board.get().modem


def _dial(profileID):
    # The dial module's check (moddatacall.c): the model's range, what
    # dial.getPdpRange() gives, e.g. 1-7 on EC600U, 1-8 on EC600N.
    r = _m().PDP_RANGE
    if not isinstance(profileID, int) or not r[0] <= profileID <= r[1]:
        raise ValueError("invalid value, profileID should be in [%d,%d]." % r)
    return profileID


def setCallback(fun):
    if fun is not None and not callable(fun):
        raise TypeError("callback must be callable or None")
    _m().set_callback(fun)
    return 0


def activate(profileID):
    return _m().set_active(_dial(profileID), True)


def deactivate(profileID):
    _m().set_active(_dial(profileID), False)
    return 0


def getInfo(profileID, ipType):
    # The model's whole range, without the wrapper's 1-3 check
    # (QuecPython/micropython ports/quectel/py/dataCall.py).
    _dial(profileID)
    if ipType not in (0, 1, 2):
        raise ValueError("invalid value, ipType should be in [0,2].")
    m = _m()
    p = m.prof(profileID)
    with m.lock:
        up = p["active"]
        kind = p["ctx"][0]
        v4 = [1, 0, p["ipv4"]] + p["dns"] if up and kind in (0, 2) else [0, 0, "0.0.0.0", "0.0.0.0", "0.0.0.0"]
        v6 = [1, 0, p["ipv6"]] + p["dns6"] if up and kind in (1, 2) else [0, 0, "::", "::", "::"]
    if ipType == 0:
        return (profileID, 0, v4)
    if ipType == 1:
        return (profileID, 1, v6)
    return (profileID, 2, v4, v6)


def __getattr__(name):
    # setPDPContext, getPDPContext, setAutoActivate/Connect, setDNSServer,
    # start, stop (shim/_lib/pdp.py): loaded on first use.
    from ._lib import later

    return later.attr(globals(), name, "_lib.pdp")
