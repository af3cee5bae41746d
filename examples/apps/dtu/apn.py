# The APN check QuecPython's examples run before anything else: a profile
# whose APN is not the configured one is set, and the module restarts so the
# data call comes up with it. The setting survives the restart, so this
# restarts once.
import dataCall
import log
from misc import Power

logger = log.getLogger("APN")


def check_apn(cfg):
    """True when profile 1 has the configured APN. Otherwise it sets it
    and restarts the module (and returns False if it could not)."""
    ctx = dataCall.getPDPContext(1)
    if ctx == -1:
        logger.error("cannot read the PDP context")
        return False
    if ctx[1] == cfg["apn"]:
        logger.info("APN is %s", ctx[1])
        return True
    ret = dataCall.setPDPContext(1, 0, cfg["apn"], cfg["username"], cfg["password"], 0)
    if ret != 0:
        logger.error("setting APN %s failed: %d", cfg["apn"], ret)
        return False
    logger.warning("APN %r set to %s; restarting", ctx[1], cfg["apn"])
    Power.powerRestart()
    return False
