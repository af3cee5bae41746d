# The simulated cellular side of the desktop board: SIM, registration and the
# PDP profiles behind dataCall, all read from the board config. dataCall and
# checkNet are thin API layers over this state.
from ._port import port as _p
from . import _config

lock = _p.thread.allocate_lock()
PROFILES = (1, 2, 3)

_sim = _config.section("sim")
_net = _config.section("net")
sim_status = int(_sim.get("status", 1))  # sim.getStatus(): 1 ready
data_state = int(_net.get("data_state", 1))  # net.getState()[1][0]: 1 home
_callback = None


def _profile(n, c):
    dns = c.get("dns", ["127.0.0.53", "127.0.0.54"])
    dns6 = c.get("dns6", ["::1", "::1"])
    return {
        "ipv4": c.get("ipv4", "127.0.0.%d" % n),
        "ipv6": c.get("ipv6", "::1"),
        "dns": [dns[0], dns[1]],
        "dns6": [dns6[0], dns6[1]],
        # setPDPContext fields: ipType, apn, username, password, authType
        "ctx": [int(c.get("ip_type", 0)), c.get("apn", ""), "", "", 0],
        "active": False,
    }


def _boot():
    dc = _config.section("datacall")
    conf = dc.get("profiles") or {}
    profiles = {}
    for n in PROFILES:
        profiles[n] = _profile(n, conf.get(str(n)) or {})
    # At power-on QuecPython brings profile 1 up, or what
    # /usr/datacall_config.json asks for once an app has called setAutoActivate.
    auto = dc.get("auto_activate", [1])
    saved = read_saved()
    if saved is not None:
        auto = [n for n in PROFILES if (saved.get(str(n)) or {}).get("autoActivate")]
    if registered():
        for n in auto:
            if n in profiles:
                profiles[n]["active"] = True
    return profiles


SAVED = "/usr/datacall_config.json"


def read_saved():
    import json

    try:
        with open(SAVED) as f:
            saved = json.load(f)
    except (OSError, ValueError):
        return None
    if not isinstance(saved, dict):
        return None  # a damaged file: boot as if there were none
    for k in list(saved):
        if not isinstance(saved[k], dict):
            del saved[k]
    return saved


def registered():
    return sim_status == 1 and data_state in (1, 5)


profiles = _boot()


def set_callback(fun):
    global _callback
    with lock:
        _callback = fun


def set_active(n, up):
    """Bring profile n up or down; tells the app's callback on a change."""
    with lock:
        p = profiles[n]
        changed = p["active"] != up
        p["active"] = up
        cb = _callback
    if changed and cb is not None:
        # The module delivers the event later, not inside the caller's frame.
        from . import _thread

        _thread.start_new_thread(cb, ((n, 1 if up else 0, 0),))


def any_active():
    with lock:
        for n in PROFILES:
            if profiles[n]["active"]:
                return True
    return False


def default_ip(v6=False):
    """The IP of the first active profile: what bind(('', port)) means."""
    with lock:
        for n in PROFILES:
            if profiles[n]["active"]:
                return profiles[n]["ipv6" if v6 else "ipv4"]
    raise _p.oserror(-1)
