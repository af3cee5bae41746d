"""Simulated modems for the driver tests: a simulator in the test's own
process (so a test can arm its faults), and the config that points an app's
stack at it. Everything the simulators reach is on loopback."""

import contextlib

from qpyshim import dialects

# Every registered dialect (qpyshim/dialects.py), the `dialect` fixture's params.
DIALECTS = dialects.names()
# Dialect options a test run uses on both sides (each entry's test.options).
FAST = {d.name: dict(d.test.options) for d in dialects.all() if d.test.options}


@contextlib.contextmanager
def simulator(dialect, cfg=None, **options):
    entry = dialects.get(dialect)
    opts = dict(entry.test.options)
    opts.update(options)
    sim = entry.make(cfg=cfg or {}, **opts).start()
    try:
        yield sim
    finally:
        sim.stop()


def stack(sim, **extra):
    """The board config's stack section for an app on `sim`'s line."""
    sect = {"driver": sim.NAME, "line": sim.line.path, "command_timeout_ms": 5000}
    sect.update(dialects.get(sim.NAME).stack_of(sim))
    sect.update(extra)
    return {"stack": sect}


# What the app sees, per dialect (documented in README's Modems section; each
# entry's test.*_errno): the errno of a recv on a connection the network
# dropped ("drop" fault), of a connect the far end refused, and of a listen
# the modem refused.
DROP_ERRNO = {d.name: d.test.drop_errno for d in dialects.all()}
REFUSED_ERRNO = {d.name: d.test.refused_errno for d in dialects.all()}
LISTEN_REFUSED_ERRNO = {d.name: d.test.listen_refused_errno for d in dialects.all()}


# The start of an app that talks through a modem (tests/test_modem_faults.py
# and the dialects' own fault tests): connect(port), talk(s).
CONNECT = '''
import usocket, checkNet, utime, dataCall
print("net", checkNet.waitNetworkReady(30))
def connect(port):
    s = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM)
    s.settimeout(20)
    s.connect(("127.0.0.1", port))
    return s
def talk(s, what=b"ping"):
    s.send(what)
    got = b""
    while len(got) < len(what):
        got += s.recv(64)
    return got
'''


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
