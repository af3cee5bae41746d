# QuecPython checkNet: wait for SIM, then registration, then a data call.
from ._lib import board as _board
from . import utime


def wait_network_connected(timeout_s=60):
    if not isinstance(timeout_s, int) or not 1 <= timeout_s <= 3600:
        raise OSError("timeout_s should be in [1, 3600]s!")
    m = _board.get().modem  # powered on with the board (never at import)
    end = utime.ticks_add(utime.ticks_ms(), timeout_s * 1000)
    while True:
        s = m.sim()
        if s != 1:
            st = 1, s
        else:
            r = m.reg()
            st = (2, r) if r not in (1, 5) else (3, 1) if m.any_active() else (3, 0)
        # With no SIM at all there is nothing to wait for (2023 docs' sample).
        if st == (3, 1) or st == (1, 0) or utime.ticks_diff(end, utime.ticks_ms()) <= 0:
            return st
        utime.sleep_ms(100)


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
        line = "=" * 50
        print("%s\nPROJECT_NAME     : %s\nPROJECT_VERSION  : %s\nFIRMWARE_VERSION : %s\nPOWERON_REASON   : %d\n"
              "SIM_CARD_STATUS  : %d\n%s" % (line, self.PROJECT_NAME, self.PROJECT_VERSION, modem.getDevFwVersion(),
                                            port.boot_reason(), _board.get().modem.sim(), line))

    def wait_network_connected(self, timeout_s=60):
        return wait_network_connected(timeout_s)

    @staticmethod
    def check_datacall_status():
        return 1 if _board.get().modem.any_active() else 0
