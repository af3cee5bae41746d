# A board powering on: its network stack picked, its limits and firewall
# read, its modem booted from the config and the NV store. Run once per board
# (shim/_lib/board.py), which then drops this module: its code would otherwise
# stay on the heap for good, and a plain ESP32 has about 100 KB.
from .._ports import port as _p


def run(board):
    # The limits first (a thread started from here asks for its stack size),
    # then the stack (a modem driver's link is what profile 1 follows), then
    # the modem, which may start that link.
    _limits(board)
    net = board._stack
    if net is not None:
        kind = getattr(net, "kind", "custom")
        link = getattr(net, "link", None)
    else:
        c = board.section("stack")
        kind = c.get("driver", "native")
        if kind == "native":
            net = _p.stack()
            link = _p.link()
        else:
            from .._modems import load

            net = load(kind, c)
            link = net.driver
    boot = getattr(net, "boot", None)  # the desktop's vnet: its tables from this config
    if boot is not None:
        boot(board)
    board.kind, board.net, board.link = kind, net, link
    # What usocket asks of the stack beyond its calls, looked up once here.
    board.waits = bool(getattr(_p, "TIMEOUTS_RESTART", False)) and kind == "native"
    board.own = getattr(net, "own_ip", None)  # the desktop's: no socket gets the host's wildcard
    board.down = getattr(net, "down", None)  # the desktop's: a board's lwIP does it itself
    board.firewall = _allow(board)
    from . import modem as _modem

    _modem_on(board, _modem)
    board.modem = _modem


def _allow(board):
    """The config's firewall allowlist as (net, mask) pairs; [] admits all."""
    from .firewall import _v4

    out = []
    for entry in board.section("firewall").get("allow") or ():
        ip, mask = _v4(entry[0]), _v4(entry[1])
        if ip is None or mask is None:
            _p.stderr.write("qpyshim: firewall: ignoring %r: expected [\"a.b.c.d\", \"mask\"]\n" % (entry,))
            continue
        out.append((ip & mask, mask))
    return out


# Module models: (sockets, threads). Sockets: QuecPython FAQ network/tcpip.md;
# threads: QuecPython_FAQ.md ("max 16"), read as 16 app threads alive at once.
PROFILES = {
    "EC200A": (64, 16),
    "ECxxxG": (15, 16),
    "ECxxxU": (15, 16),
    "BG95": (20, 16),
}


def _limits(board):
    from . import limits as m

    c = board.section("limits")
    s, t = PROFILES.get(c.get("profile"), (_p.LIMITS["sockets"], None))
    with m.lock:  # a new board counts from zero
        m.sockets = c.get("sockets", s)  # None: no limit of our own
        m.threads = c.get("threads", t)
        m.thread_stack = int(c.get("thread_stack", _p.LIMITS["thread_stack"]))
        m.live.clear()
    board.limits = m


def _nvload():
    # The board's NV store as the module reads it at power-on. Read here
    # rather than through shim/_lib/nv.py, which writes it: a boot that changes
    # nothing does not pay for that module.
    import json

    path = _p.nv_path()
    try:
        with _p.open_host(path) as f:  # the board's own file: not the app's to see
            d = json.load(f)
        return d if isinstance(d, dict) else {}
    except (OSError, TypeError, ValueError):
        return {}  # no flash, never written, or damaged: the defaults


def _modem_on(board, m):
    """The modem's state from the board's config: what a board before had is gone."""
    mc = board.section("model")
    r = mc.get("pdp_range") or {}
    if isinstance(r, dict):
        r = r.get(mc.get("name", "EC600U-CNLB").split("-")[0])
    sim, net, dc = board.section("sim"), board.section("net"), board.section("datacall")
    with m.lock:
        m.PDP_RANGE = tuple(r or (1, 3))
        m.PROFILES, m.profiles = (), {}
        m._dc, m._cell = dc, board.section("cell")
        m.sim_status = int(sim.get("status", 1))
        m.data_state = int(net.get("data_state", 1))
        m.fun = int(net.get("modem_fun", 1))
        m._callback = m.net_cb = m.sim_cb = None
        del m._events[:]
        m.sim_det[:] = [0, 0]
        m.driver = board.link
    nv = _nvload()
    pdp = nv.get("pdp")
    pdp = pdp if isinstance(pdp, dict) else {}
    lo, hi = m.PDP_RANGE
    for k in ["1", "2", "3"] + list(dc.get("profiles") or {}) + list(pdp):
        n = int(k) if k.isdigit() else 0
        if lo <= n <= hi:
            ctx = pdp.get(k)
            if isinstance(ctx, list) and len(ctx) == 5:  # setPDPContext's, from an earlier power-on
                m.prof(n)["ctx"] = ctx
            else:
                m.prof(n)
    # The SIM card's PIN state is the card's own: kept through power-offs.
    c = nv.get("sim")
    c = c if isinstance(c, dict) else {}
    card = m.card = {"on": c.get("on", bool(sim.get("pin_enabled", False))),
                     "pin": c.get("pin", str(sim.get("pin", "1234"))), "left": c.get("left", [3, 10])}
    del nv, pdp, c
    if m.sim_status == 1:  # a card in the slot: as it was left
        if card["left"][1] <= 0:
            m.sim_status = 19  # ten wrong PUKs: blocked for good
        elif card["left"][0] <= 0:
            m.sim_status = 3  # three wrong PINs: the PUK is needed
        elif card["on"]:
            m.sim_status = 2  # it asks for its PIN at power-on: no registration until it has it
    # At power-on QuecPython brings profile 1 up, or what
    # /usr/datacall_config.json asks for once an app has called setAutoActivate.
    auto = dc.get("auto_activate", [1])
    from .saved import read

    saved = read()
    if saved is not None:
        auto = [n for n in m.PROFILES if (saved.get(str(n)) or {}).get("autoActivate")]
    if not m.driver and m.registered():
        for n in auto:
            if n in m.profiles:
                m.profiles[n]["active"] = True
    m.auto = auto
    m.recount()
    if m.driver:
        m.driver.start(1 in auto, m.update)  # profile 1 follows the interface from here
