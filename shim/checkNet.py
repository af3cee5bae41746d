# QuecPython checkNet: wait for SIM, then registration, then a data call.
from ._lib import board as _board


def _m():
    # The board's modem, powered on with the board (never at import).
    return _board.get().modem
from . import utime

_POLL_MS = 100


def _stage():
    s = _m().sim()
    if s != 1:
        return 1, s
    r = _m().reg()
    if r not in (1, 5):
        return 2, r
    return (3, 1) if _m().any_active() else (3, 0)


def _check_timeout(t):
    if not isinstance(t, int) or not 1 <= t <= 3600:
        raise OSError("timeout_s should be in [1, 3600]s!")


def wait_network_connected(timeout_s=60):
    _check_timeout(timeout_s)
    end = utime.ticks_add(utime.ticks_ms(), timeout_s * 1000)
    while True:
        stage, state = _stage()
        # With no SIM at all there is nothing to wait for (2023 docs' sample).
        if (stage, state) == (3, 1) or (stage, state) == (1, 0):
            return stage, state
        if utime.ticks_diff(end, utime.ticks_ms()) <= 0:
            return stage, state
        utime.sleep_ms(_POLL_MS)


def waitNetworkReady(timeout=60):
    return wait_network_connected(timeout)


class CheckNetwork:
    _printed = False

    def __init__(self, project_name, project_version):
        self.PROJECT_NAME = project_name
        self.PROJECT_VERSION = project_version

    def poweron_print_once(self):
        if CheckNetwork._printed:
            return
        CheckNetwork._printed = True
        from . import modem
        from ._ports import port

        # As QuecPython/micropython's checkNet.py (2021) prints them:
        # modem.getDevFwVersion() and misc.Power.powerOnReason().
        print("==================================================")
        print("PROJECT_NAME     : %s" % self.PROJECT_NAME)
        print("PROJECT_VERSION  : %s" % self.PROJECT_VERSION)
        print("FIRMWARE_VERSION : %s" % modem.getDevFwVersion())
        print("POWERON_REASON   : %d" % port.boot_reason())
        print("SIM_CARD_STATUS  : %d" % _m().sim())
        print("==================================================")

    def wait_network_connected(self, timeout_s=60):
        return wait_network_connected(timeout_s)

    @staticmethod
    def check_datacall_status():
        return 1 if _m().any_active() else 0
