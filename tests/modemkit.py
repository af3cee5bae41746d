"""Simulated modems for the driver tests: a simulator in the test's own
process (so a test can arm its faults), and the config that points an app's
stack at it. Everything the simulators reach is on loopback."""

import contextlib

from qpyshim.modemsim import make

DIALECTS = ("xbee", "telit", "eswifi", "wip")
# Dialect options a test run uses on both sides: short guard times keep
# +++ escapes fast (the modems' default is 1 s).
FAST = {"telit": {"guard_ms": 50}, "wip": {"guard_ms": 50}}


@contextlib.contextmanager
def simulator(dialect, cfg=None, **options):
    opts = dict(FAST.get(dialect, {}))
    opts.update(options)
    sim = make(dialect, cfg=cfg or {}, **opts).start()
    try:
        yield sim
    finally:
        sim.stop()


def stack(sim, **extra):
    """The board config's stack section for an app on `sim`'s line."""
    sect = {"driver": sim.NAME, "line": sim.line.path, "command_timeout_ms": 5000}
    for k in ("api_mode", "guard_ms"):
        v = getattr(sim, k, None)
        if v is not None:
            sect[k] = v
    if getattr(sim, "escaped", False):
        sect["api_mode"] = 2
    sect.update(extra)
    return {"stack": sect}

# What the app sees, per dialect (documented in README's Modems section):
# the errno of a recv on a connection the network dropped ("drop" fault),
# of a connect the far end refused, and of a listen the modem refused.
DROP_ERRNO = {"xbee": 104, "telit": 104, "eswifi": 104, "wip": 104}
REFUSED_ERRNO = {"xbee": 111, "telit": 111, "eswifi": 111, "wip": 111}
LISTEN_REFUSED_ERRNO = {"xbee": 5, "telit": 98, "eswifi": 5, "wip": 98}


class QuietLine:
    """A modem line for driving a driver's parser by hand: it takes every
    write (kept in `out`) and never has anything to read."""

    def __init__(self):
        self.out = bytearray()

    def write(self, data):
        self.out += data
        return len(data)

    def read(self, n):
        return b""

    def readable(self, ms):
        return False
