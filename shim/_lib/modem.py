# The cellular side behind dataCall and checkNet: SIM, registration and the
# PDP profiles. On the desktop board it is simulated from the board config; on
# a board with a network interface of its own (an ESP32) the port's link driver
# stands behind profile 1, and a watcher keeps that profile's state current.
# What the data path reads is here; the rest (radio and SIM changes, the
# dataCall callbacks' delivery) is shim/_lib/radio.py, loaded on first use.
from .._ports import port as _p

lock = _p.thread.allocate_lock()
_netlock = _p.thread.allocate_lock()  # serialises set_network (update() takes `lock`)


# dial.getPdpRange(): the model's own profile range, from the board config's
# model.pdp_range (a per-series table, or the runner's pick from it: [1, 7]);
# the docs' 1-3 for a model not in it. Set, with everything below that comes
# from the config, when the board powers the modem on (shim/_lib/power.py).
PDP_RANGE = (1, 3)
PROFILES = ()  # the profiles made so far (prof()), in order
profiles = {}
_dc = _cell = {}  # the config's datacall and cell sections
sim_status = 1  # the card's own state (sim.getStatus() with the radio on): 1 ready
data_state = 1  # net.getState()[1][0]: 1 home
fun = 1  # net.getModemFun(): 1 full, 0 minimum, 4 airplane
_callback = None
_events = []  # dataCall callbacks not yet delivered, oldest first
net_cb = None  # net.setCallback: (1, data_state, lac, cid, act) on a registration change
sim_cb = None  # sim.setCallback: 1 inserted, 2 removed (with detection on)
sim_det = [0, 0]  # sim.setSimDet: (enabled, insert level)
driver = None  # the board's link behind profile 1; None: the simulated modem
card = {"on": False, "pin": "1234", "left": [3, 10]}
auto = ()
src = None
gone = set()  # addresses of profiles that are down: sockets using them fail


def sim():
    if driver:
        return driver.sim()
    # CFUN 0 (minimum functionality, 3GPP TS 27.007 +CFUN) powers the (U)SIM
    # down with the radio on Quectel's modules: the card can't be read until
    # CFUN 1. The QuecPython docs are silent; 0 is their "no card" code.
    return 0 if fun == 0 else sim_status


def reg():
    if driver:
        return driver.reg()
    # Radio off, or no usable SIM (absent, PIN/PUK locked): not registered.
    return data_state if fun == 1 and sim_status == 1 else 0


def prof(n):
    """Profile n's record, made on first use: a model may have 8, an app
    uses one or two. n must be in PDP_RANGE."""
    global PROFILES
    with _netlock:
        p = profiles.get(n)
        if p is None:
            c = (_dc.get("profiles") or {}).get(str(n)) or {}
            dns = c.get("dns", ["127.0.0.53", "127.0.0.54"])
            dns6 = c.get("dns6", ["::1", "::1"])
            p = profiles[n] = {
                # 127.0.0.4 and .5 are the extra NICs': profiles past 3 start at .14
                # (in the board's loopback block, as the runner moves the config's)
                "ipv4": c["ipv4"] if "ipv4" in c else _lo(n if n <= 3 else n + 10),
                "ipv6": c.get("ipv6", "::1"),
                "dns": [dns[0], dns[1]],
                "dns6": [dns6[0], dns6[1]],
                # setPDPContext fields: ipType, apn, username, password, authType
                "ctx": [int(c.get("ip_type", 0)), c.get("apn", ""), "", "", 0],
                "active": False,
            }
            PROFILES = tuple(sorted(profiles))
    return p


def _lo(n):
    from .config import lo

    return lo(n)


def registered():
    return sim() == 1 and reg() in (1, 5)



def set_active(n, up):
    """Bring profile n up or down: 0 done, -1 it could not."""
    if driver:
        if n != 1:
            return -1  # one interface: only profile 1 has a link behind it
        return driver.bring(up, profiles[1]["ctx"])
    if up and not registered():
        return -1  # no SIM or no registration: the PDP context can't come up
    prof(n)
    update(n, up)
    return 0


def update(n, up, ipv4=None, dns=None):
    """Record profile n's state; tells the app's callback on a change."""
    dispatch = None
    if _callback is not None:  # loaded before the lock: a first load takes the loader's
        from .later import part

        dispatch = part("_lib.radio").dispatch
    with lock:
        p = profiles[n]
        changed = p["active"] != up
        p["active"] = up
        if ipv4 is not None:
            p["ipv4"] = ipv4
        if dns is not None:
            p["dns"] = dns
        was = gone
        recount()
        if changed and _callback is not None:
            # The module delivers the event later, not inside the caller's
            # frame, and in order: one dispatcher drains the queue, so a drop
            # and the return just after it reach the app as they happened.
            # Started under the lock, so an app that sees the new state and
            # ends can't end the board before its callback has run.
            _events.append((_callback, (n, 1 if up else 0, 0)))
            if len(_events) == 1:
                from .. import _thread

                if dispatch is None:  # the callback came while this ran
                    from .radio import dispatch
                _thread.spawn(dispatch, ())
    if not changed:
        return
    from . import limits as _limits

    for ip in gone:
        if ip not in was:
            _limits.abort(ip)


def recount():
    """gone and src from the profiles (under the lock, or at power-on)."""
    global gone, src
    up = [p["ipv4"] for p in profiles.values() if p["active"]]
    gone = set(p["ipv4"] for p in profiles.values() if not p["active"] and p["ipv4"] not in up)
    ip = None
    for n in PROFILES:
        if profiles[n]["active"]:
            ip = profiles[n]["ipv4"]
            break
    src = ip  # one reference, replaced whole: source() reads it without the lock


def source():
    """The address unbound sockets leave from: the first active profile's.
    Kept current by update() under the lock; read here without it (one
    reference, replaced whole), since every connect asks."""
    return src


def any_active():
    with lock:
        for n in PROFILES:
            if profiles[n]["active"]:
                return True
    return False


def __getattr__(name):
    # What the app's radio and SIM calls, dataCall's settings and the control
    # channel use (shim/_lib/radio.py): loaded on first use.
    if name[:2] == "__":
        raise AttributeError(name)
    from . import later

    return getattr(later.part("_lib.radio"), name)
