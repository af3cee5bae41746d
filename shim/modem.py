# QuecPython modem: the device's identity, from the board config's "modem"
# and "model" sections. Each getter returns a str, or -1 where the board
# has none (getDevMAC on a module without Wi-Fi).
from shim._lib import board as _board, modem as _modem


def _dev():
    return _board.get().section("modem")


def _model():
    return _board.get().section("model")


def getDevImei(simId=0):
    _modem.check_simid(simId)
    return _dev().get("imei", "866327040830317")


def getDevModel():
    return _dev().get("model") or _model().get("name", "EC600U-CNLB").split("-")[0]


def getDevSN(simId=0):
    _modem.check_simid(simId)
    return _dev().get("sn", "D1Q20GM050038341P")


def getDevFwVersion():
    # The module's form: model and variant, revision, then _OCPU_PY (docs
    # syslib/modem.md: 'EC100YCNAAR01A01M16_OCPU_PY'); the config may name another.
    fw = _dev().get("firmware") or _model().get("firmware")
    if fw:
        return fw
    return _model().get("name", "EC600U-CNLB").replace("-", "") + _model().get("revision", "R01A01M08") + "_OCPU_PY"


def getDevProductId():
    return _dev().get("product", "Quectel")


def getDevMAC():
    return _dev().get("mac", -1)
