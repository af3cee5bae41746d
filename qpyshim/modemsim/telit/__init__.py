"""Telit's AT socket commands (#SD, #SL, #SSENDEXT, #SRECV ...): the
simulator (sim.py: dispatch, PDP contexts) owns the UART (uart.py), the
firewall (firewall.py) and the connIds (sockets.py, their data path in
data.py); codec.py parses arguments."""

from ...dialects import Dialect, Option, TestRun

DIALECT = Dialect(
    name="telit",
    title="Telit",
    simulator=f"{__name__}.sim:TelitSim",
    options=(Option("guard_ms", 1000, "+++ escape guard time, ms"),),
    sockets=6,
    # Short guard times keep +++ escapes quick (the modem's default is 1 s).
    test=TestRun(options={"guard_ms": 50}, listen_refused_errno=98),
    # The +++ guard is spent once when the data session starts, not per message.
    bench={"guard_ms": 50},
)
