"""Inventek eS-WiFi (ISM43362) AT commands: the simulator (sim.py: Wi-Fi
state and commands) owns the UART channel (channel.py) and the transport
(sockets.py); replies.py is the pure reply forms."""

from ...dialects import Dialect, TestRun

DIALECT = Dialect(
    name="eswifi",
    title="eS-WiFi",
    simulator=f"{__name__}.sim:EsWifiSim",
    sockets=4,
    test=TestRun(listen_refused_errno=5),
)
