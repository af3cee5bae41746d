"""The null modem: a dialect that exists only to show what a dialect is.
This folder is all of it: the registry entry (here), the host simulator
(sim.py), the device driver (device/, laid on the board as
shim/_modems/null/ by `qpyshim run`) and its test (test_null.py). It is
registered only where $QPYSHIM_DIALECTS names this folder.

Its line protocol is plain text, one command a line, each answered by one
`OK [value]` or `ERR errno` line; the modem's own news comes as `D id n`
followed by n data bytes, and `E id errno` (0: the peer's orderly end):

    AT                 OK             the modem is there
    UP / DOWN          OK ip / OK     the data link
    R host             OK ip          a name, resolved on the modem's network
    C id ip port       OK             a TCP connect (ids are the driver's)
    S id n <n bytes>   OK             data to send
    X id               OK             close
"""

from pathlib import Path

from qpyshim.dialects import Dialect, TestRun

DIALECT = Dialect(
    name="null",
    title="null modem (tests)",
    simulator=f"{__name__}.sim:NullSim",
    sockets=4,
    test=TestRun(),
    device=Path(__file__).resolve().parent / "device",
)
