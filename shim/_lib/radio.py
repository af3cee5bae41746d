# The modem's less travelled side (shim/_lib/modem.py loads it on first use):
# the radio, SIM and registration changing under the app, the dataCall
# callbacks delivered, the simId check. The state stays modem.py's, which
# the data path reads.
from .._ports import port as _p
from . import modem as m


def check_simid(simId):
    """The simId argument net, sim and modem take: 0 or 1, as the module."""
    if simId not in (0, 1):
        raise ValueError("invalid value, simId should be in [0~1].")


def set_callback(fun):
    with m.lock:
        m._callback = fun


def dispatch():
    # The module delivers dataCall events later and in order (modem.update()).
    lock, events = m.lock, m._events
    while True:
        with lock:
            fn, args = events[0]
        try:
            fn(args)
        except Exception as e:  # one bad callback must not hold back the next event
            _p.stderr.write("Unhandled exception in thread started by %r\n" % (fn,))
            _p.print_exception(e)
        with lock:
            events.pop(0)
            more = bool(events)
        if not more:
            return


def set_network(sim_state=None, reg_state=None, fun_state=None):
    """The SIM, the registration or the radio changed (the desktop board's
    control channel, net.setModemFun, sim PIN checks): without all three,
    the data calls drop; with them back, the auto-activated profiles come
    back, as the module's auto-reconnect does. The app's net and sim
    callbacks hear of the change."""
    with m._netlock:  # one change at a time: the app and the control channel may both ask
        with m.lock:
            was_sim, was_reg = _card_in(), m.reg()
            if sim_state is not None:
                m.sim_status = sim_state
            if reg_state is not None:
                m.data_state = reg_state
            if fun_state is not None:
                if m.fun == 0 and fun_state != 0 and m.sim_status == 1 and m.card["on"]:
                    # The SIM powers up again as after a power-on: it asks
                    # for its PIN (sim.verifyPin) before anything registers.
                    m.sim_status = 2
                m.fun = fun_state
            now_sim, now_reg = _card_in(), m.reg()
        _tell(was_sim, now_sim, was_reg, now_reg)
        was_ok, ok = was_reg in (1, 5), now_reg in (1, 5)
        if was_ok == ok:
            return  # still (not) registered: the data calls stay as they are
        for n in m.PROFILES:
            if not ok:
                m.update(n, False)
            elif n in m.auto:
                m.update(n, True)


def _card_in():
    # The card in the slot, as sim.setSimDet's pin sees it: the radio's
    # state (CFUN 0) is no hot-swap event.
    return m.driver.sim() if m.driver else m.sim_status


def _tell(was_sim, now_sim, was_reg, now_reg):
    from .. import _thread

    with m.lock:
        ncb, scb, det = m.net_cb, m.sim_cb, m.sim_det[0]
    if scb is not None and det and (was_sim == 0) != (now_sim == 0):
        _thread.spawn(scb, (1 if now_sim else 2,))
    if ncb is not None and was_reg != now_reg:
        lac, cid, act = cell()
        if now_reg not in (1, 5):
            lac = cid = 0  # no serving cell
        _thread.spawn(ncb, ((1, now_reg, lac, cid, act),))


def cell():
    """The serving cell's (lac, cid, act) from the board config."""
    c = m._cell
    return c.get("lac", 19472), c.get("cid", 17104243), c.get("act", 7)


def default_ip(v6=False):
    """The IP of the first active profile: what bind(('', port)) means."""
    with m.lock:
        for n in m.PROFILES:
            if m.profiles[n]["active"]:
                return m.profiles[n]["ipv6" if v6 else "ipv4"]
    raise _p.oserror(-1)
