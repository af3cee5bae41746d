# Puts the module's USB network function in the configured mode. The mode
# is kept by the module but takes effect at the next power-on, so a change
# means one restart.
import log
from misc import Power, USBNET

logger = log.getLogger("USBNET")
TYPES = {"ECM": USBNET.Type_ECM, "RNDIS": USBNET.Type_RNDIS}


def ensure_worktype(name):
    """True when the module already runs in mode `name`; else sets it and restarts."""
    want = TYPES[name]
    have = USBNET.get_worktype()
    if have == want:
        return True
    if USBNET.set_worktype(want) != 0:
        logger.error("set_worktype(%d) failed", want)
        return False
    logger.warning("work type %d -> %d (%s); restarting", have, want, name)
    Power.powerRestart()
    return False


def open_usbnet():
    if USBNET.get_status() == 1:
        return True
    return USBNET.open() == 0
