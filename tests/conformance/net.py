"""net: the radio, as the desktop board's config describes it (11 of 31
sampled apps)."""
from conformance._kit import R

D = "DOC API_reference/en/iotlib/net.md"
ST = "STUB net.pyi"

PRELUDE = r'''
import net, checkNet, dataCall, utime


events = []


def wait_event(match):
    for _ in range(300):
        for e in list(events):
            if match(e):
                return e
        utime.sleep_ms(10)
    return 'no event'


def airplane():
    del events[:]
    dataCall.setCallback(events.append)
    r = net.setModemFun(4)
    d = {'r': r, 'fun': net.getModemFun(), 'state': net.getState()[1][0], 'csq': net.csqQueryPoll(),
         'pdp': dataCall.getInfo(1, 0)[2][0], 'wait': checkNet.waitNetworkReady(1)}
    d['back'] = net.setModemFun(1)
    d['fun1'] = net.getModemFun()
    d['ready'] = checkNet.waitNetworkReady(10)
    d['down_ev'] = wait_event(lambda e: e[0] == 1 and e[1] == 0)
    d['up_ev'] = wait_event(lambda e: e[0] == 1 and e[1] == 1)
    dataCall.setCallback(None)
    return d


def minimum():
    d = {'r': net.setModemFun(0), 'fun': net.getModemFun(), 'state': net.getState()[1][0]}
    d['back'] = net.setModemFun(1)
    d['ready'] = checkNet.waitNetworkReady(10)
    return d
'''

ROWS = [
    R(None, "net.csqQueryPoll()", 31, D + " csqQueryPoll example 31"),
    R(None, "0 <= net.csqQueryPoll() <= 31", True, D + " csqQueryPoll: 0-31"),
    R(None, "net.getSignal()", ([99, 99, 255, 255], [-51, -76, -5, 255]), D + " getSignal() example (no sinr)"),
    R(None, "net.getSignal(0)", ([99, 99, 255, 255], [-51, -76, -5, 255]), D + " getSignal(0) example"),
    R(None, "net.getSignal(1)", ([99, 99, 255, 255], [-51, -76, -5, 255, 18]), D + " getSignal(1) example (sinr)"),
    R(None, "len(net.getCellInfo())", 3, D + " getCellInfo -> (GSM, UMTS, LTE)"),
    R(None, "[type(x).__name__ for x in net.getCellInfo()]", ["list", "list", "list"], D + " getCellInfo: lists of tuples"),
    R(None, "net.getCellInfo()[2][0][0]", 0, D + " getCellInfo: flag 0 = serving cell"),
    R(None, "len(net.getCellInfo()[2][0])", 9, D + " getCellInfo LTE example (flag, cid, mcc, mnc, pci, tac, earfcn, rssi, rsrq)"),
    R(None, "net.getConfig()", (8, False), D + " getConfig example (8, False)"),
    R(None, "(net.setConfig(6), net.getConfig()[0], net.setConfig(8))", (0, 6, 0), D + " setConfig(6) then getConfig (6, False)"),
    R(None, "[type(x).__name__ for x in net.getNetMode()]", ["int", "str", "str", "int"],
      D + " getNetMode -> (selection_mode int, mcc str, mnc str, act int)"),
    R(None, "len(net.nitzTime())", 3, D + " nitzTime -> (date, abs_time, leap_sec)"),
    R(None, "[type(x).__name__ for x in net.nitzTime()]", ["str", "int", "int"], D + " nitzTime types"),
    R(None, "net.operatorName()", ("CHN-UNICOM", "UNICOM", "460", "01"), D + " operatorName example"),
    R(None, "[len(x) for x in net.getState()]", [6, 6], D + " getState -> ([voice x6], [data x6])"),
    R(None, "net.getState()[1][0]", 1, D + " getState: data_state 1 registered, home"),
    R(None, "type(net.getState()).__name__", "tuple", D + " getState returns a tuple of lists"),
    R(None, "type(net.getCi()).__name__", "list", D + " getCi -> list"),
    R(None, "net.getServingCi() in net.getCi()", True, D + " getServingCi: one of getCellInfo's cells"),
    R(None, "type(net.getServingCi()).__name__", "int", D + " getServingCi -> int"),
    R(None, "type(net.getMcc()).__name__", "list", D + " getMcc -> list"),
    R(None, "net.getServingMcc()", 460, D + " getServingMcc: decimal on EC600U"),
    R(None, "type(net.getMnc()).__name__", "list", D + " getMnc -> list"),
    R(None, "net.getServingMnc()", 1, D + " getServingMnc example 1"),
    R(None, "type(net.getLac()).__name__", "list", D + " getLac -> list"),
    R(None, "net.getServingLac() == net.getState()[1][1]", True, D + " getServingLac = the registration's lac"),
    R(None, "net.getModemFun()", 1, D + " getModemFun: 1 full functionality (default)"),
    R(None, "net.setCallback(lambda args: None)", 0, ST + " setCallback -> 0"),
    R(None, "net.bandRst()", 0, ST + " bandRst -> 0"),
    R(None, "type(net.getT3402()).__name__", "int", ST + " getT3402 -> int"),
    R(None, "type(net.getRejectCause()).__name__", "int", ST + " getRejectCause -> int"),
    R("airplane", "(r, fun)", (0, 4), D + " setModemFun(4) -> 0; getModemFun 4 airplane mode"),
    R("airplane", "state", 0, D + " getState data_state 0 (not registered) in airplane mode"),
    R("airplane", "csq", 99, D + " csqQueryPoll 99 (unknown) without registration"),
    R("airplane", "pdp", 0, "DOC API_reference/en/iotlib/dataCall.md getInfo state 0: the data call drops with the radio"),
    R("airplane", "wait", (2, 0), "DOC API_reference/en/iotlib/checkNet.md stage 2: not registered"),
    R("airplane", "down_ev", (1, 0, 0), "DOC API_reference/en/iotlib/dataCall.md setCallback: (profileID, 0 disconnected, simID) when the radio goes off"),
    R("airplane", "up_ev", (1, 1, 0), "DOC API_reference/en/iotlib/dataCall.md setCallback: (profileID, 1 connected, simID) when it is back"),
    R("airplane", "(back, fun1, ready)", (0, 1, (3, 1)), D + " setModemFun(1): full functionality, registered again"),
    R("minimum", "(r, fun, state)", (0, 0, 0), D + " setModemFun(0): minimum functionality, not registered"),
    R("minimum", "(back, ready)", (0, (3, 1)), D + " setModemFun(1) after 0"),
]
