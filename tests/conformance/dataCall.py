"""dataCall: PDP contexts on the desktop board's simulated modem (15 of 31
sampled apps: getInfo 11, get/setPDPContext 5, setCallback 5)."""
from conformance._kit import R, Raises

D = "DOC API_reference/en/iotlib/dataCall.md"
ST = "STUB dataCall.pyi"
P = "SRC25 ports/quectel/py/dataCall.py"
C = "SRC25 ports/quectel/moddatacall.c"
EXC = "EX network-comm/nic/cellular"

PRELUDE = r'''
import dataCall, usocket, utime, _thread

events = []
_ev = _thread.allocate_lock()


def cb(args):
    with _ev:
        events.append(args)


def wait_event(match):
    for _ in range(300):
        with _ev:
            for e in events:
                if match(e):
                    return e
        utime.sleep_ms(10)
    return 'no event'


def cycled():
    # profile 2: activate, then deactivate, with the callback set
    r = (dataCall.setCallback(cb), dataCall.activate(2))
    up = dataCall.getInfo(2, 0)
    down = dataCall.deactivate(2)
    return {'r': r, 'up': up, 'down': down, 'after': dataCall.getInfo(2, 0)}


def conn():
    l = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, usocket.IPPROTO_TCP_SER)
    l.settimeout(2)
    base = 30000 + utime.ticks_us() % 20000
    for p in range(base, base + 300):
        try:
            l.bind(('127.0.0.1', p))
            break
        except OSError:
            pass
    l.listen(2)
    k = usocket.socket()
    k.settimeout(2)
    k.connect(('127.0.0.1', p))
    a = l.accept()[0]
    return {'l': l, 'k': k, 'a': a, 'port': p}


def dropped():
    # profile 1 (the app's data call, 127.0.0.1) goes down under a live
    # connection, then comes back
    d = conn()
    dataCall.setCallback(cb)
    d['deact'] = dataCall.deactivate(1)
    d['ev_down'] = wait_event(lambda e: e[0] == 1 and e[1] == 0)
    d['info'] = dataCall.getInfo(1, 0)
    d['sta'] = d['k'].getsocketsta()
    d['send'] = err(d['k'].send, b'x')
    c = usocket.socket()
    c.settimeout(2)
    d['connect'] = err(c.connect, ('127.0.0.1', d['port']))
    d['act'] = dataCall.activate(1)
    d['ev_up'] = wait_event(lambda e: e[0] == 1 and e[1] == 1)
    d['info_up'] = dataCall.getInfo(1, 0)[2][:3]
    for s in (d['l'], d['k'], d['a'], c):
        s.close()
    return d
'''

ROWS = [
    # getInfo shapes
    R(None, "dataCall.getInfo(1, 0)", (1, 0, [1, 0, "127.0.0.1", "127.0.0.53", "127.0.0.54"]),
      D + " getInfo(profileID, 0) -> (profileID, 0, [state, reconnect, ip, dns1, dns2])"),
    R(None, "[type(x).__name__ for x in dataCall.getInfo(1, 0)]", ["int", "int", "list"],
      D + " getInfo: a tuple whose record is a list"),
    R(None, "dataCall.getInfo(1, 0)[2][2]", "127.0.0.1",
      "EX network-comm/net-protocols/tcp-udp/example_tcp_server_and_client.py getInfo(1, 0)[2][2]"),
    R(None, "dataCall.getInfo(1, 1)", (1, 1, [0, 0, "::", "::", "::"]),
      D + " getInfo(p, 1): IPv6 record, '::' when not active"),
    R(None, "len(dataCall.getInfo(1, 2))", 4, D + " getInfo(p, 2) -> (p, 2, [v4...], [v6...])"),
    R(None, "dataCall.getInfo(1, 2)[3]", [0, 0, "::", "::", "::"], D + " getInfo(p, 2): the v6 record"),
    R(None, "dataCall.getInfo(2, 0)", (2, 0, [0, 0, "0.0.0.0", "0.0.0.0", "0.0.0.0"]),
      D + " getInfo: a profile not activated; CHOICE #8"),
    R(None, "dataCall.getInfo(3, 2)", (3, 2, [0, 0, "0.0.0.0", "0.0.0.0", "0.0.0.0"], [0, 0, "::", "::", "::"]),
      P + " getInfo: zero-filled record of the requested shape; CHOICE #8"),
    R(None, "dataCall.getInfo(1, 3)", Raises("ValueError"), C + " getInfo: ipType 0-2; CHOICE #8"),
    R(None, "dataCall.getInfo(0, 0)", Raises("ValueError"),
      P + " profileID outside [1,3] -> ValueError"),
    R(None, "dataCall.getInfo(1, 0)[2][0] == 1 or dataCall.getInfo(1, 0)[2][2] == '0.0.0.0'", True,
      EXC + "/example_socket_activate_multiple_nic_set_apn.py checks ret[2][2] == '0.0.0.0'"),
    # PDP contexts
    R(None, "len(dataCall.getPDPContext(1))", 5, D + " getPDPContext -> (ipType, apn, username, password, authType)"),
    R(None, "[type(x).__name__ for x in dataCall.getPDPContext(1)]", ["int", "str", "str", "str", "int"],
      D + " getPDPContext example (0, '3gnet', '', '', 0)"),
    R(None, "dataCall.setPDPContext(2, 0, 'cmnet', '', '', 0)", 0, D + " setPDPContext -> 0"),
    R(None, "(dataCall.setPDPContext(2, 0, 'cmnet', '', '', 0), dataCall.getPDPContext(2))",
      (0, (0, "cmnet", "", "", 0)), D + " setPDPContext then getPDPContext"),
    R(None, "(dataCall.setPDPContext(3, 1, '3gnet', 'u', 'p', 1), dataCall.getPDPContext(3))",
      (0, (1, "3gnet", "u", "p", 1)), D + " setPDPContext: ipType 1, authType 1 PAP"),
    R(None, "(dataCall.setPDPContext(3, 0, 'a', 'u', 'p', 0), dataCall.getPDPContext(3)[4])", (0, 2),
      P + " setPDPContext: credentials with authType 0 become CHAP (2)"),
    R(None, "(dataCall.setPDPContext(3, 0, 'a', '', '', 2), dataCall.getPDPContext(3)[4])", (0, 0),
      C + " setPDPContext: no credentials means authType 0"),
    R(None, "(dataCall.setPDPContext(3, 2, None, '', '', 0), dataCall.getPDPContext(3)[:2])", (0, (2, "a")),
      P + " setPDPContext: None keeps the stored apn"),
    R(None, "dataCall.setPDPContext(1, 3, 'x', '', '', 0)", Raises("ValueError"), C + " setPDPContext: bad ipType -> ValueError"),
    R(None, "dataCall.setPDPContext(1, 0, 'x', '', '', 4)", Raises("ValueError"), C + " setPDPContext: bad authType -> ValueError"),
    R(None, "dataCall.setPDPContext(1, 0, 'x' * 65, '', '', 0)", Raises("ValueError"), D + " setPDPContext: apn 0-64 bytes"),
    R(None, "dataCall.setPDPContext(0, 0, 'x', '', '', 0)", Raises("ValueError", text="invalid value, profileID should be in ["),
      P + " profileID outside [1,3] -> ValueError"),
    R(None, "dataCall.getPDPContext(0)", Raises("ValueError"), P + " profileID outside [1,3] -> ValueError"),
    # auto activation (persisted in /usr/datacall_config.json)
    R(None, "dataCall.setAutoActivate(1, 1)", 0, D + " setAutoActivate(profileID, enable); CHOICE #9"),
    R(None, "dataCall.setAutoConnect(1, 1)", 0, D + " setAutoConnect(profileID, enable); CHOICE #9"),
    R(None, "dataCall.setAutoActivate(1, 2)", Raises("ValueError"), D + " setAutoActivate: enable 0 or 1"),
    R(None, "dataCall.setAutoConnect(4, 1)", Raises("ValueError"), P + " profileID outside [1,3] -> ValueError"),
    R(None, "(dataCall.setAutoActivate(1, 1), __import__('ujson').load(open('/usr/datacall_config.json'))['1']['autoActivate'])",
      (0, 1), "SRC25 ports/quectel/py/_boot.py reads /usr/datacall_config.json {'1': {'autoActivate': ...}}"),
    # DNS
    R(None, "dataCall.setDNSServer(2, 0, '8.8.8.8', '114.114.114.114')", 0, D + " setDNSServer -> 0"),
    R(None, "dataCall.setDNSServer(2, 0, 'x', 'y')", -1, D + " setDNSServer -> -1 on failure"),
    R(None, "dataCall.setDNSServer(2, 1, '8.8.8.8', '8.8.4.4')", Raises("ValueError"), D + " setDNSServer: simID only 0"),
    # activate / deactivate / callback
    R(None, "dataCall.setCallback(cb)", 0, D + " setCallback -> 0"),
    R("cycled", "r", (0, 0), D + " activate -> 0"),
    R("cycled", "up[2][:3]", [1, 0, "127.0.0.2"], D + " getInfo after activate: state 1"),
    R("cycled", "down", 0, D + " deactivate -> 0"),
    R("cycled", "after", (2, 0, [0, 0, "0.0.0.0", "0.0.0.0", "0.0.0.0"]), D + " getInfo after deactivate: state 0"),
    R("cycled", "wait_event(lambda e: e[0] == 2 and e[1] == 1)", (2, 1, 0),
      "SRC25 ports/quectel/callbackdeal.c datacall callback (profileID, state, simID); " + D + " setCallback args[1] 1 connected"),
    R("cycled", "wait_event(lambda e: e[0] == 2 and e[1] == 0)", (2, 0, 0), D + " setCallback args[1] 0 disconnected"),
    R(None, "dataCall.setCallback(5)", Raises("TypeError"), D + " setCallback(fun): a function"),
    # legacy start / stop
    R(None, "(dataCall.start(3, 0, 'cmnet', '', '', 0), dataCall.getInfo(3, 0)[2][0])", (0, 1), ST + " start(profileidx, iptype, apn, ...) -> 0"),
    R(None, "(dataCall.stop(3, 0), dataCall.getInfo(3, 0)[2][0])", (0, 0), ST + " stop(profileidx, iptype) -> 0"),
    # wrappers SRC25's dataCall.py has beyond the documented API
    R(None, "len(dataCall.getAddressinfo(1, 0)) > 0", True, P + " getAddressinfo(profileidx, iptype)",
      missing="dataCall.getAddressinfo (SRC25 wrapper, undocumented) is not provided"),
    R(None, "dataCall.setAsynMode(0)", 0, P + " setAsynMode(mode)",
      missing="dataCall.setAsynMode (SRC25 wrapper, undocumented) is not provided"),
    R(None, "type(dataCall.getSpeed(1)).__name__ != 'NoneType'", True, P + " getSpeed",
      missing="dataCall.getSpeed (SRC25 wrapper, undocumented) is not provided"),
    # the data call going down under live sockets
    R("dropped", "(deact, ev_down)", (0, (1, 0, 0)), D + " deactivate(1); setCallback (1, 0, simID)"),
    R("dropped", "info[2][:3]", [0, 0, "0.0.0.0"], D + " getInfo after deactivate"),
    R("dropped", "sta", 0, "DOC API_reference/en/stdlib/usocket.md getsocketsta 0 CLOSED: the connection is gone with the PDP context"),
    R("dropped", "send[:2]", ("OSError", 103), "SRC25 lwIP: the netif going down aborts its TCP connections (ECONNABORTED)"),
    R("dropped", "connect[:2]", ("OSError", 113), "SRC25 lwIP: no route while no data call is up (EHOSTUNREACH)"),
    R("dropped", "(act, ev_up, info_up)", (0, (1, 1, 0), [1, 0, "127.0.0.1"]), D + " activate(1) brings the profile back"),
]
