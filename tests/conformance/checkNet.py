"""checkNet: waiting for the network (19 of 31 sampled apps; 8 use the older
CheckNetwork class)."""
from conformance._kit import R, Raises

D = "DOC API_reference/en/iotlib/checkNet.md"
ST = "STUB checkNet.pyi"
P = "SRC25 ports/quectel/py/checkNet.py"
P21 = "SRC21 ports/quectel/core/checkNet.py"
W = "WIKI en-us/api/QuecPythonClasslib.md checkNet"
MSG = "timeout_s should be in [1, 3600]s!"

PRELUDE = r'''
import checkNet, dataCall, utime


def down():
    # no data call up: stage 3 waits out the whole (1 s) budget
    dataCall.deactivate(1)
    t0 = utime.ticks_ms()
    r = checkNet.waitNetworkReady(1)
    dt = utime.ticks_diff(utime.ticks_ms(), t0)
    s = checkNet.CheckNetwork.check_datacall_status()
    dataCall.activate(1)
    return {'r': r, 'waited': dt >= 900, 's': s}
'''

ROWS = [
    R(None, "checkNet.waitNetworkReady(5)", (3, 1), D + " waitNetworkReady -> (3, 1) when ready; CHOICE #6"),
    R(None, "checkNet.waitNetworkReady()", (3, 1), D + " waitNetworkReady(timeout=60)"),
    R(None, "type(checkNet.waitNetworkReady(5)).__name__", "tuple", ST + " waitNetworkReady -> tuple (stage, state)"),
    R(None, "checkNet.wait_network_connected(5)", (3, 1), P + " wait_network_connected(timeout_s=60)"),
    R(None, "checkNet.wait_network_connected()", (3, 1), P + " wait_network_connected default timeout"),
    R(None, "checkNet.CheckNetwork('QuecPython_Socket_example', '1.0.0').wait_network_connected(5)", (3, 1),
      "DOC API_reference/en/stdlib/usocket.md example; " + W),
    R(None, "checkNet.CheckNetwork('p', 'v').wait_network_connected()", (3, 1), W + " wait_network_connected(timeout_s=60)"),
    R(None, "checkNet.CheckNetwork.check_datacall_status()", 1, P + " CheckNetwork.check_datacall_status: 1 if a profile is up"),
    R(None, "checkNet.CheckNetwork('p', 'v').check_datacall_status()", 1, P + " check_datacall_status is static"),
    R(None, "checkNet.CheckNetwork('ProjectName', '1.0').poweron_print_once()", None, W + " poweron_print_once prints the banner"),
    R(None, "checkNet.CheckNetwork('Again', '2.0').poweron_print_once()", None, W + " poweron_print_once: printed once per power-on"),
    R("down", "r", (3, 0), D + " stage 3, state 0: no PDP active by the timeout"),
    R("down", "waited", True, P + " the stages share one timeout budget, polled every 100 ms"),
    R("down", "s", 0, P + " check_datacall_status -> 0 when no profile is up"),
    R(None, "checkNet.waitNetworkReady(0)", Raises("OSError", MSG), P + " timeout outside [1, 3600] -> OSError"),
    R(None, "checkNet.waitNetworkReady(3601)", Raises("OSError", MSG), P + " timeout outside [1, 3600] -> OSError"),
    R(None, "checkNet.wait_network_connected(0)", Raises("OSError", MSG), P + " timeout outside [1, 3600] -> OSError"),
    R(None, "checkNet.CheckNetwork('p', 'v').wait_network_connected(3601)", Raises("OSError", MSG),
      P + " timeout outside [1, 3600] -> OSError"),
    R(None, "checkNet.waitNetworkReady(3600) == (3, 1)", True, D + " timeout 1-3600 s"),
    R(None, "(lambda s, st: s == 3 and st == 1)(*checkNet.waitNetworkReady(30))", True,
      D + " stage, state = waitNetworkReady(30); if stage == 3 and state == 1"),
]


def check_transcript(r, rt):
    # WIKI en-us/api/QuecPythonClasslib.md: the banner names the project,
    # its version and the firmware
    out = r.out
    assert "PROJECT_NAME" in out and "ProjectName" in out, r
    assert "PROJECT_VERSION" in out and "FIRMWARE_VERSION" in out, r
    assert "SIM_CARD_STATUS" in out and "POWERON_REASON" in out, r  # SRC21 checkNet.py
    assert "Again" not in out and out.count("PROJECT_NAME") == 1, r
