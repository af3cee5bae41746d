"""Inventek eS-WiFi (ISM43362) AT commands: the parser and Wi-Fi state
(sim.py), the socket commands (sockets.py), the replies (replies.py)."""

from ...dialects import Dialect, TestRun

DIALECT = Dialect(
    name="eswifi",
    title="eS-WiFi",
    simulator=f"{__name__}.sim:EsWifiSim",
    sockets=4,
    test=TestRun(listen_refused_errno=5),
)
