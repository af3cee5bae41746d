# QuecPython misc: Power (restart, power down, reasons, battery) and USBNET.
# On the desktop board powerRestart() boots the app again in a fresh
# interpreter, as the module reboots, and powerDown() ends the run.
from shim._port import port as _p
from shim import _config

_pw = _config.section("power")


class Power:
    @staticmethod
    def powerRestart():
        _p.power("restart")

    @staticmethod
    def powerDown():
        _p.power("off")

    @staticmethod
    def powerOnReason():
        return _p.boot_reason()

    @staticmethod
    def powerDownReason():
        return int(_pw.get("down_reason", 1))  # 1: a normal power-down

    @staticmethod
    def getVbatt():
        return int(_pw.get("vbatt", 3800))


class USBNET:
    # The desktop has no USB network function to bring up: the state is kept
    # so an app's configure / open / check sequence runs as on the module.
    Type_ECM = 1
    Type_RNDIS = 3
    _type = [int(_config.section("usbnet").get("type", 1)), False]
    _nat = {}

    @staticmethod
    def set_worktype(type):
        if type not in (1, 3):
            return -1
        USBNET._type[0] = type
        return 0

    @staticmethod
    def get_worktype():
        return USBNET._type[0]

    @staticmethod
    def get_status():
        return 1 if USBNET._type[1] else 0

    @staticmethod
    def open():
        USBNET._type[1] = True
        return 0

    @staticmethod
    def close():
        USBNET._type[1] = False
        return 0

    @staticmethod
    def getNat(simid, pid):
        if simid != 0 or not 1 <= pid <= 8:
            return -1
        return USBNET._nat.get(pid, 1)

    @staticmethod
    def setNat(simid, pid, nat):
        if simid != 0 or not 1 <= pid <= 8 or nat not in (0, 1):
            return -1
        USBNET._nat[pid] = nat
        return 0


def antennaSecRXOffCtrl(*args):
    return 0 if not args else -1
