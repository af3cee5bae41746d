# QuecPython sim: a simulated SIM from the board config's "sim" section.
# getStatus() codes are the module's (0 absent, 1 ready, 2 PIN needed, 3 PUK
# needed, 19 blocked); three wrong PINs ask for the PUK, ten wrong PUKs block
# the card. Results are 0 / -1 or the value, never exceptions, as on the module.
# The PIN, whether it is asked for and the attempts left are the card's own
# (_modem.card), kept through power-offs in the board's NV store.
from shim._lib import board as _board, modem as _modem


def _m():
    # The board's modem, powered on with the board (never at import).
    return _board.get().modem


def _card():
    return _board.get().modem.card  # the card in this board's slot (made at its power-on)


def _s():
    return _board.get().section("sim")


def _book():
    # The phonebook the app writes: the board's, empty at power-on.
    return _board.get().kept("sim.book", lambda b: {})


_lock = _modem.lock  # made once, with the module: no config in it


def _save():
    # The card keeps its PIN state through power-offs: the board's NV store.
    from shim._lib.later import part

    _nv = part("_lib.nv")

    with _lock:
        c = _card()
        v = {"on": c["on"], "pin": c["pin"], "left": list(c["left"])}
    _nv.put("sim", v)


def _checkpin(pin):
    if not isinstance(pin, str) or len(pin) > 15:
        raise ValueError("invalid value, pin should be a string of at most 15 characters")


def getStatus(simId=0):
    return _m().sim()


def _ready(key, default):
    return _s().get(key, default) if _m().sim() == 1 else -1


def getImsi(simId=0):
    return _ready("imsi", "460105466870381")


def getIccid(simId=0):
    v = _ready("iccid", "89860390845513443049")
    return v.upper() if isinstance(v, str) else v


def getPhoneNumber(simId=0):
    return _s().get("phone", "+8618166328752") if _m().sim() != 0 else -1


def _try(pin, then):
    """One PIN attempt: right -> then(), wrong -> one attempt fewer. A then()
    that changes the card runs under the lock _save() reads it with; the
    unlock (the network's business, which takes the same lock) after it."""
    if _m().sim() not in (1, 2):
        return -1
    with _lock:
        ok = pin == _card()["pin"]
        left = _card()["left"]
        if ok:
            left[0] = 3
            if then is not _unlocked:
                then()
        else:
            left[0] -= 1
            blocked = left[0] <= 0
    if ok:
        if then is _unlocked:
            then()
        _save()
        return 0
    _save()
    if blocked:
        _m().set_network(sim_state=3)
    return -1


def _enable():
    _card()["on"] = True


def _disable():
    _card()["on"] = False


def _unlocked():
    _m().set_network(sim_state=1)


def verifyPin(pin, simId=0):
    _checkpin(pin)
    if _m().sim() != 2:
        return -1  # no PIN asked for
    return _try(pin, _unlocked)


def enablePin(pin, simId=0):
    _checkpin(pin)
    if _card()["on"]:
        return -1
    return _try(pin, _enable)


def disablePin(pin, simId=0):
    _checkpin(pin)
    if not _card()["on"] or _m().sim() != 1:
        return -1
    return _try(pin, _disable)


def changePin(oldPin, newPin):
    _checkpin(oldPin)
    _checkpin(newPin)
    if not _card()["on"] or _m().sim() != 1:
        return -1

    def change():
        _card()["pin"] = newPin

    return _try(oldPin, change)


def unblockPin(puk, newPin):
    _checkpin(puk)
    _checkpin(newPin)
    if _m().sim() != 3:
        return -1
    with _lock:
        ok = puk == str(_s().get("puk", "12345678"))
        left = _card()["left"]
        if ok:
            left[0], left[1] = 3, 10
            _card()["pin"] = newPin
        else:
            left[1] -= 1
            dead = left[1] <= 0
    _save()
    if ok:
        _m().set_network(sim_state=1)
        return 0
    if dead:
        _m().set_network(sim_state=19)
    return -1


def getPinRemAttempts(flag=0):
    with _lock:
        left = _card()["left"]
        return (left[0], left[1]) if not flag else (left[0], left[1], 3, 10)


def readPhonebook(storage, start, end, username):
    if _m().sim() != 1 or not 1 <= start <= end:
        return -1
    book = _book()
    with _lock:
        found = [(i, book[i][0], book[i][1]) for i in sorted(book)
                 if start <= i <= end and (not username or username in book[i][0])]
    return (len(found), found)


def writePhonebook(storage, index, username, number):
    if _m().sim() != 1 or not 1 <= index <= 500:
        return -1
    with _lock:
        _book()[index] = (username, number)
    return 0


def setSimDet(switch, triggerLevel):
    if switch not in (0, 1) or triggerLevel not in (0, 1):
        raise ValueError("invalid value, switch and triggerLevel should be 0 or 1")
    with _lock:
        _m().sim_det[:] = [switch, triggerLevel]
    return 0


def getSimDet():
    with _lock:
        return (_m().sim_det[0], _m().sim_det[1])


def getCurSimid():
    return 0


def switchCard(simId):
    return 0 if simId == 0 else -1  # the desktop board has one slot


def setCallback(usrFun):
    _callable(usrFun)
    with _lock:
        _m().sim_cb = usrFun
    return 0


def setSwitchcardCallback(usrFun):
    _callable(usrFun)
    return 0


def _callable(fun):
    # Refused at registration, not at the first SIM event; None unregisters.
    if fun is not None and not callable(fun):
        raise TypeError("callback must be callable or None")


def genericAccess(simId, cmd):
    _m().check_simid(simId)
    return -1  # no raw APDU access to the simulated card
