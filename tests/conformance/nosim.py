"""The board without a SIM card (board config sim.status 0): what checkNet,
sim, net and dataCall report then."""
from conformance._kit import R

NET = {"sim": {"status": 0}}

PRELUDE = r'''
import checkNet, sim, net, dataCall, utime


def waited():
    t0 = utime.ticks_ms()
    r = checkNet.waitNetworkReady(3)
    return {'r': r, 'quick': utime.ticks_diff(utime.ticks_ms(), t0) < 1500}
'''

ROWS = [
    R("waited", "r", (1, 0), "DOC API_reference/en/iotlib/checkNet.md stage 1, state 0: no SIM card; CHOICE #7"),
    R("waited", "quick", True, "DOC Started_Guide/Simple_Application/socket/code/socket.py: does not block without a SIM; SRC21 ports/quectel/core/checkNet.py; CHOICE #7"),
    R(None, "checkNet.CheckNetwork('p', 'v').wait_network_connected(3)", (1, 0), "SRC21 ports/quectel/core/checkNet.py stage 1 returns at once for status 0; CHOICE #7"),
    R(None, "sim.getStatus()", 0, "DOC API_reference/en/iotlib/sim.md getStatus 0: no SIM card"),
    R(None, "sim.getImsi()", -1, "DOC API_reference/en/iotlib/sim.md getImsi -> -1 on failure"),
    R(None, "sim.getIccid()", -1, "DOC API_reference/en/iotlib/sim.md getIccid -> -1 on failure"),
    R(None, "net.csqQueryPoll()", 99, "DOC API_reference/en/iotlib/net.md csqQueryPoll 99: unknown"),
    R(None, "net.getState()[1][0] in (0, 2)", True, "DOC API_reference/en/iotlib/net.md getState data_state 0/2: not registered"),
    R(None, "dataCall.getInfo(1, 0)[2][0]", 0, "DOC API_reference/en/iotlib/dataCall.md getInfo state 0: not activated"),
    R(None, "checkNet.CheckNetwork.check_datacall_status()", 0, "SRC25 ports/quectel/py/checkNet.py check_datacall_status -> 0"),
]
