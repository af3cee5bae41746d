"""Sierra Wireless Open AT IP Connectivity (WIP): the simulator (sim.py: the
stack, the bearer, the AT commands) owns the UART (uart.py) and the socket
table (sockets.py, its data path in data.py); codec.py is pure."""

from ...dialects import Dialect, Option, TestRun

DIALECT = Dialect(
    name="wip",
    title="Sierra WIP",
    simulator=f"{__name__}.sim:WipSim",
    options=(Option("guard_ms", 1000, "+++ escape guard time, ms"),),
    sockets=8,
    # Short guard times keep +++ escapes quick (the modem's default is 1 s).
    test=TestRun(options={"guard_ms": 50}, listen_refused_errno=98),
    # The +++ guard is spent once when the data session starts, not per message.
    bench={"guard_ms": 50},
)
