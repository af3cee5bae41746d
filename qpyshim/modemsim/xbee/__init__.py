"""Digi XBee Cellular in API mode: the simulator (sim.py) owns its frame
reader (frames.py, pure) and its socket table (sockets.py); AT settings
over 0x08 frames are at.py."""

from ...dialects import Dialect, Option, TestRun

DIALECT = Dialect(
    name="xbee",
    title="XBee",
    simulator=f"{__name__}.sim:XBeeSim",
    options=(Option("api_mode", 1, "API mode 1, or 2 (escaped)", rule="1 (API) or 2 (API with escaping)",
                    choices=(1, 2)),),
    sockets=6,
    # A listen the module refuses is a 0xC0 status the driver reports as EIO.
    test=TestRun(listen_refused_errno=5),
)
