# The cellular side behind dataCall and checkNet: SIM, registration and the
# PDP profiles. On the desktop board it is simulated from the board config; on
# a board with a network interface of its own (an ESP32) the port's link driver
# stands behind profile 1, and a watcher keeps that profile's state current.
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


def _profile(n, c):
    dns = c.get("dns", ["127.0.0.53", "127.0.0.54"])
    dns6 = c.get("dns6", ["::1", "::1"])
    return {
        # 127.0.0.4 and .5 are the extra NICs': profiles past 3 start at .14
        "ipv4": c.get("ipv4", "127.0.0.%d" % (n if n <= 3 else n + 10)),
        "ipv6": c.get("ipv6", "::1"),
        "dns": [dns[0], dns[1]],
        "dns6": [dns6[0], dns6[1]],
        # setPDPContext fields: ipType, apn, username, password, authType
        "ctx": [int(c.get("ip_type", 0)), c.get("apn", ""), "", "", 0],
        "active": False,
    }


def prof(n):
    """Profile n's record, made on first use: a model may have 8, an app
    uses one or two. n must be in PDP_RANGE."""
    global PROFILES
    with _netlock:
        p = profiles.get(n)
        if p is None:
            p = profiles[n] = _profile(n, (_dc.get("profiles") or {}).get(str(n)) or {})
            PROFILES = tuple(sorted(profiles))
    return p


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


def check_simid(simId):
    """The simId argument net, sim and modem take: 0 or 1, as the module."""
    if simId not in (0, 1):
        raise ValueError("invalid value, simId should be in [0~1].")


def registered():
    return sim() == 1 and reg() in (1, 5)



def set_callback(fun):
    global _callback
    with lock:
        _callback = fun


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
    global gone, src
    with lock:
        p = profiles[n]
        changed = p["active"] != up
        p["active"] = up
        if ipv4 is not None:
            p["ipv4"] = ipv4
        if dns is not None:
            p["dns"] = dns
        was, gone = gone, _gone()
        src = _source()
        if changed and _callback is not None:
            # The module delivers the event later, not inside the caller's
            # frame, and in order: one dispatcher drains the queue, so a drop
            # and the return just after it reach the app as they happened.
            # Started under the lock, so an app that sees the new state and
            # ends can't end the board before its callback has run.
            _events.append((_callback, (n, 1 if up else 0, 0)))
            if len(_events) == 1:
                from .. import _thread

                _thread.spawn(_dispatch, ())
    if not changed:
        return
    from . import limits as _limits

    for ip in gone:
        if ip not in was:
            _limits.abort(ip)


def _dispatch():
    while True:
        with lock:
            fn, args = _events[0]
        try:
            fn(args)
        except Exception as e:  # one bad callback must not hold back the next event
            _p.stderr.write("Unhandled exception in thread started by %r\n" % (fn,))
            _p.print_exception(e)
        with lock:
            _events.pop(0)
            more = bool(_events)
        if not more:
            return


def _gone():
    up = [p["ipv4"] for p in profiles.values() if p["active"]]
    return set(p["ipv4"] for p in profiles.values() if not p["active"] and p["ipv4"] not in up)


def _source():
    for n in PROFILES:
        if profiles[n]["active"]:
            return profiles[n]["ipv4"]
    return None


def source():
    """The address unbound sockets leave from: the first active profile's.
    Kept current by update() under the lock; read here without it (one
    reference, replaced whole), since every connect asks."""
    return src


def set_network(sim_state=None, reg_state=None, fun_state=None):
    """The SIM, the registration or the radio changed (the desktop board's
    control channel, net.setModemFun, sim PIN checks): without all three,
    the data calls drop; with them back, the auto-activated profiles come
    back, as the module's auto-reconnect does. The app's net and sim
    callbacks hear of the change."""
    global sim_status, data_state, fun
    with _netlock:  # one change at a time: the app and the control channel may both ask
        with lock:
            was_sim, was_reg = _card_in(), reg()
            if sim_state is not None:
                sim_status = sim_state
            if reg_state is not None:
                data_state = reg_state
            if fun_state is not None:
                if fun == 0 and fun_state != 0 and sim_status == 1 and card["on"]:
                    # The SIM powers up again as after a power-on: it asks
                    # for its PIN (sim.verifyPin) before anything registers.
                    sim_status = 2
                fun = fun_state
            now_sim, now_reg = _card_in(), reg()
        _tell(was_sim, now_sim, was_reg, now_reg)
        was_ok, ok = was_reg in (1, 5), now_reg in (1, 5)
        if was_ok == ok:
            return  # still (not) registered: the data calls stay as they are
        for n in PROFILES:
            if not ok:
                update(n, False)
            elif n in auto:
                update(n, True)


def _card_in():
    # The card in the slot, as sim.setSimDet's pin sees it: the radio's
    # state (CFUN 0) is no hot-swap event.
    return driver.sim() if driver else sim_status


def _tell(was_sim, now_sim, was_reg, now_reg):
    from .. import _thread

    with lock:
        ncb, scb, det = net_cb, sim_cb, sim_det[0]
    if scb is not None and det and (was_sim == 0) != (now_sim == 0):
        _thread.spawn(scb, (1 if now_sim else 2,))
    if ncb is not None and was_reg != now_reg:
        lac, cid, act = cell()
        if now_reg not in (1, 5):
            lac = cid = 0  # no serving cell
        _thread.spawn(ncb, ((1, now_reg, lac, cid, act),))


def cell():
    """The serving cell's (lac, cid, act) from the board config."""
    c = _cell
    return c.get("lac", 19472), c.get("cid", 17104243), c.get("act", 7)


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
