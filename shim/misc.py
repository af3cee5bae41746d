# QuecPython misc: Power (restart, power down, reasons, battery) and USBNET.
# On the desktop board powerRestart() boots the app again in a fresh
# interpreter, as the module reboots, and powerDown() ends the run.
from shim._ports import port as _p
from shim._lib import config as _config


def _pw():
    return _config.section("power")


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
        return int(_pw().get("down_reason", 1))  # 1: a normal power-down

    @staticmethod
    def getVbatt():
        return int(_pw().get("vbatt", 3800))


class USBNET:
    # The desktop has no USB network function to bring up: the state is kept
    # so an app's configure / open / check sequence runs as on the module.
    # The work type and NAT are the module's NV settings: they take effect
    # after a reboot and survive it (docs misc.USBNET: set_worktype, setNat),
    # so an app that sets RNDIS and restarts finds RNDIS set.
    Type_ECM = 1
    Type_RNDIS = 3
    _st = []  # [work type, open, {pid: nat}], read from NV on first use
    _lock = _p.thread.allocate_lock()  # the state and its save: apps set these from any thread

    @staticmethod
    def _get():
        if not USBNET._st:
            with USBNET._lock:
                if not USBNET._st:
                    from shim._lib.later import part

                    _nv = part("_lib.nv")

                    nv = _nv.get("usbnet", {})
                    t = nv.get("type") if isinstance(nv, dict) else None
                    nat = nv.get("nat") if isinstance(nv, dict) else None
                    USBNET._st[:] = [t if t in (1, 3) else int(_config.section("usbnet").get("type", 1)),
                                     False, dict(nat) if isinstance(nat, dict) else {}]
        return USBNET._st

    @staticmethod
    def _set(i, key, value):
        # Changed and saved in one turn, so the NV store holds the last change.
        from shim._lib.later import part

        _nv = part("_lib.nv")

        st = USBNET._get()
        with USBNET._lock:
            if key is None:
                st[i] = value
            else:
                st[i][key] = value
            _nv.put("usbnet", {"type": st[0], "nat": dict(st[2])})

    @staticmethod
    def set_worktype(type):
        if type not in (1, 3):
            return -1
        USBNET._set(0, None, type)
        return 0

    @staticmethod
    def get_worktype():
        return USBNET._get()[0]

    @staticmethod
    def get_status():
        return 1 if USBNET._get()[1] else 0

    @staticmethod
    def open():
        USBNET._get()[1] = True
        return 0

    @staticmethod
    def close():
        USBNET._get()[1] = False
        return 0

    @staticmethod
    def getNat(simid, pid):
        if simid != 0 or not 1 <= pid <= 8:
            return -1
        return USBNET._get()[2].get(str(pid), 1)

    @staticmethod
    def setNat(simid, pid, nat):
        if simid != 0 or not 1 <= pid <= 8 or nat not in (0, 1):
            return -1
        USBNET._set(2, str(pid), nat)
        return 0


def antennaSecRXOffCtrl(*args):
    return 0 if not args else -1


# ADC and PWM load the first time an app touches misc.ADC / misc.PWM (PEP 562
# module __getattr__, which MicroPython has too), so an app that only uses
# Power pays nothing for them.
def __getattr__(name):
    if name not in ("ADC", "PWM"):
        raise AttributeError(name)
    from shim._lib import later

    # not copied into this module's globals: no GIL, and other threads read them
    return getattr(later.part("_lib." + name.lower()), name)
