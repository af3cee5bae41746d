# QuecPython net: the radio. On the desktop board its values come from the
# board config ("net" and "cell" sections) and its state from the simulated
# modem: setModemFun(0 or 4) takes the registration and so the data calls
# down, setModemFun(1) brings them back. Failures return -1, as the module's.
from shim._lib import board as _board


def _m():
    # The board's modem, powered on with the board (never at import).
    return _board.get().modem


def _n():
    return _board.get().section("net")


def _st(b):
    # The radio's settings the app changes: the board's, from its config.
    return {"cfg": list(b.section("net").get("config", [8, False])), "band": {}}  # cfg: (mode, roaming)


def _s():
    return _board.get().kept("net", _st)


def _up():
    return _m().reg() in (1, 5)


def csqQueryPoll():
    if _m().sim() != 1:
        return 99
    return int(_n().get("csq", 31)) if _up() else 99


def getSignal(sinrEnable=0, simId=0):
    _m().check_simid(simId)
    if not _up():
        return ([99, 99, 255, 255], [99, 99, 255, 255] + ([255] if sinrEnable else []))
    g, lte = _n().get("signal", [[99, 99, 255, 255], [-51, -76, -5, 255, 18]])
    lte = list(lte[:4]) + ([lte[4] if len(lte) > 4 else 255] if sinrEnable == 1 else [])
    return (list(g), lte)


def _cells():
    cells = _board.get().section("cell").get("cells")
    if cells is None:
        mcc, mnc = _mccmnc()
        lac, cid, _ = _m().cell()
        cells = [[], [], [[0, cid, int(mcc), int(mnc), 121, lac, 3688, -76, -15]]]
    return cells


def getCellInfo(flag=0):
    if not _up():
        return ([], [], [])
    return tuple([tuple(e) for e in rat] for rat in _cells())


currentCellInfo = getCellInfo


def _mccmnc():
    op = _n().get("operator", ["CHN-UNICOM", "UNICOM", "460", "01"])
    return op[2], op[3]


def getConfig(simId=0):
    _m().check_simid(simId)
    return tuple(_s()["cfg"])


def setConfig(mode, roaming=None, simId=0):
    if not isinstance(mode, int) or not 0 <= mode <= 32:
        return -1
    if roaming is not None and roaming not in (0, 1):
        return -1
    s = _s()
    s["cfg"] = [mode, s["cfg"][1] if roaming is None else bool(roaming)]
    return 0


def getNetMode(simId=0):
    _m().check_simid(simId)
    if not _up():
        return -1
    mcc, mnc = _mccmnc()
    return (0, mcc, mnc, _m().cell()[2])


def nitzTime():
    if not _up():
        return -1
    import utime

    t = utime.time()
    g = utime.localtime(t)
    zone = utime.getTimeZone()
    s = "%02d/%02d/%02d %02d:%02d:%02d %d 0" % (g[0] % 100, g[1], g[2], g[3], g[4], g[5], zone)
    return (s, t, 0)


def operatorName(simId=0):
    _m().check_simid(simId)
    if not _up():
        return -1
    return tuple(_n().get("operator", ["CHN-UNICOM", "UNICOM", "460", "01"]))


def getState(simId=0):
    _m().check_simid(simId)
    st = _m().reg()
    lac, cid, act = _m().cell()
    if st not in (1, 5):
        lac = cid = 0
    return ([st, lac, cid, act, 0, 0], [st, lac, cid, act, 0, 0])


def _cells_of(i, serving):
    """Field i of the cells getCellInfo() reports: a list (all), or the
    serving cell's (flag 0); -1 when there are none."""

    def get(simId=0):
        _m().check_simid(simId)
        out = [e[i] for rat in getCellInfo() for e in rat if not serving or e[0] == 0]
        if not out:
            return -1
        return out[0] if serving else out

    return get


# LTE cell tuples: (flag, cid, mcc, mnc, pci, tac, earfcn, rssi, rsrq)
getCi, getServingCi = _cells_of(1, False), _cells_of(1, True)
getMcc, getServingMcc = _cells_of(2, False), _cells_of(2, True)
getMnc, getServingMnc = _cells_of(3, False), _cells_of(3, True)
getLac, getServingLac = _cells_of(5, False), _cells_of(5, True)


def getModemFun():
    return _m().fun


def setModemFun(fun, rst=0):
    if fun not in (0, 1, 4) or rst not in (0, 1):
        return -1
    _m().set_network(fun_state=fun)
    if rst:
        from shim._ports import port

        port.power("restart")
    return 0


def setBand(netRat, gsmBand, bandTuple):
    if not isinstance(netRat, int) or not isinstance(bandTuple, (tuple, list)):
        return -1
    _s()["band"][netRat] = (gsmBand, tuple(bandTuple))
    return 0


def getBand(netRat):
    b = _s()["band"].get(netRat)
    return -1 if b is None else "0x%x" % b[0]


def bandRst():
    _s()["band"].clear()
    return 0


def setCallback(handler):
    # Refused here, not at the first network event (which would end the
    # callback thread); None unregisters.
    if handler is not None and not callable(handler):
        raise TypeError("callback must be callable or None")
    with _m().lock:
        _m().net_cb = handler
    return 0


# Network timers and causes the desktop radio reports as the config says.
def _timer(key, default):
    return lambda: _n().get(key, default)


getT3402 = _timer("t3402", 720)
getT3412 = _timer("t3412", 3240)
getT3324 = _timer("t3324", -1)
getTeDRX = _timer("tedrx", -1)
getTPTW = _timer("tptw", -1)


def getqRxlevMin(flag=None):
    return _n().get("qrxlevmin", -140)


def getRejectCause(simId=0):
    return 0 if _up() else _n().get("reject_cause", 0)


def causeInfo(mode=None):
    return 0
