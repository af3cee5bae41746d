"""The ESP32 board's logic on the unix port: its port of the shim, with
stand-ins for network, socket and machine (tests/esp32/). Data call over
Wi-Fi, LAN and PPP; checkNet's stages; the link-down callback; the board's
limits; and sockets that hand (ip, port) tuples to the native socket."""

from conftest import PRELUDE
from esp32_board import AP, WIFI, layout, run
import json


def app(body):
    return PRELUDE + body


def test_wifi_data_call_and_checknet(tmp_path):
    flash = layout(tmp_path, app('''
import checkNet, dataCall, network
print("stages", checkNet.waitNetworkReady(10))
print("info", dataCall.getInfo(1, 0))
print("both", dataCall.getInfo(1, 2))
print("made", network.standin.made)
'''))
    r = run(flash)
    assert r.code == 0, r
    assert r.value("stages") == (3, 1)
    assert r.value("info") == (1, 0, [1, 0, "127.0.0.1", "127.0.0.53", "0.0.0.0"])
    assert r.value("both")[3][0] == 0  # no IPv6 on the board's interface
    assert r.value("made") == ["wlan"]


def test_sockets_pass_tuples_to_the_native_socket(tmp_path, peer_server):
    port = peer_server.server_address[1]
    flash = layout(tmp_path, app(f'''
import checkNet, usocket, esp32_socket
checkNet.waitNetworkReady(10)
s = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM)
s.settimeout(10)
s.connect(("127.0.0.1", {port}))
print("greeting", s.recv(100))
s.send(b"ping")
print("echo", s.recv(100))
print("state", s.getsocketsta())
s.close()
print("addrs", [type(a).__name__ for a in esp32_socket.seen])
print("resolve", usocket.getaddrinfo("localhost", 80)[0][-1])
print("unknown", err(usocket.getaddrinfo, "no.such.host", 80))
'''))
    r = run(flash)
    assert r.code == 0, r
    assert r.value("greeting").startswith(b"peer=127.0.0.1:")
    assert r.value("echo") == b"ping"
    assert r.value("state") == 4
    assert r.value("addrs") == ["tuple"]  # no packing on the way to the board's socket
    assert r.value("resolve") == ("127.0.0.1", 80)
    assert r.value("unknown")[:2] == ("OSError", -202)


def test_link_down_fires_the_callback_and_returns(tmp_path):
    flash = layout(tmp_path, app('''
import checkNet, dataCall, network, _thread, utime
events = []
got = _thread.allocate_lock()
got.acquire()
def cb(args):
    events.append(args)
    got.release()
def wait_event():
    for _ in range(200):  # bounded: 10 s
        if got.acquire(0):
            return True
        utime.sleep_ms(50)
    return False
checkNet.waitNetworkReady(10)
dataCall.setCallback(cb)
network.standin.drop()
print("down_seen", wait_event())
print("down", (events[-1], dataCall.getInfo(1, 0)[2][0]))
print("stages_down", checkNet.waitNetworkReady(1))
network.standin.restore()
print("up_seen", wait_event())
print("up", (events[-1], dataCall.getInfo(1, 0)[2][0]))
'''))
    r = run(flash)
    assert r.code == 0, r
    assert r.value("down_seen") is True
    assert r.value("down") == ((1, 0, 0), 0)
    assert r.value("stages_down") == (2, 2)  # reassociating: "searching"
    assert r.value("up_seen") is True
    assert r.value("up") == ((1, 1, 0), 1)


def test_deactivate_and_activate(tmp_path):
    flash = layout(tmp_path, app('''
import checkNet, dataCall
checkNet.waitNetworkReady(10)
print("off", (dataCall.deactivate(1), dataCall.getInfo(1, 0)[2][0], checkNet.waitNetworkReady(1)))
print("on", (dataCall.activate(1), dataCall.getInfo(1, 0)[2][:3]))
print("other", dataCall.activate(2))
'''))
    r = run(flash)
    assert r.code == 0, r
    assert r.value("off") == (0, 0, (2, 0))
    assert r.value("on") == (0, [1, 0, "127.0.0.1"])
    assert r.value("other") == -1  # one interface: profile 1 only


def test_checknet_stages_without_a_usable_network(tmp_path):
    body = app('''
import checkNet, dataCall
print("stages", checkNet.waitNetworkReady(1))
print("activate", dataCall.activate(1))
''')
    wrong = layout(tmp_path, body, config={"link": {"wlan": {"ssid": "lab", "password": "nope"},
                                                    "connect_timeout_s": 1}}, name="wrong")
    r = run(wrong)
    assert r.value("stages") == (2, 3), r  # the AP refused us: "registration denied"
    assert r.value("activate") == -1
    absent = layout(tmp_path, body, config={"link": {"wlan": {"ssid": "elsewhere", "password": "x"},
                                                     "connect_timeout_s": 1}}, name="absent")
    assert run(absent).value("stages") == (2, 3)
    unset = layout(tmp_path, body, config={}, name="unset")
    r = run(unset)
    assert r.value("stages") == (2, 0), r  # nothing to join: not searching
    assert "no Wi-Fi network set" in r.err
    nolan = layout(tmp_path, body, config={"link": {"interface": "lan"}}, name="nolan")
    r = run(nolan, standin=dict(AP, lan=False))
    assert r.value("stages") == (1, 0), r  # no interface: like a module with no SIM, at once
    assert "lan interface unavailable" in r.err


def test_lan_and_ppp_links(tmp_path):
    body = app('''
import checkNet, dataCall, network, esp32_machine
print("stages", checkNet.waitNetworkReady(10))
print("ip", dataCall.getInfo(1, 0)[2][2])
print("made", network.standin.made)
print("at", esp32_machine.commands)
''')
    lan = layout(tmp_path, body, config={"link": {"interface": "lan", "poll_ms": 20}}, name="lan")
    r = run(lan, standin=dict(AP, ip="127.0.0.9"))
    assert r.value("stages") == (3, 1), r
    assert r.value("ip") == "127.0.0.9"
    assert r.value("made") == ["lan"]
    ppp = layout(tmp_path, body, config={"link": {"interface": "ppp", "poll_ms": 20,
                                                  "ppp": {"apn": "cmnet"}}}, name="ppp")
    r = run(ppp)
    assert r.value("stages") == (3, 1), r
    assert r.value("made") == ["ppp"]
    assert r.value("at") == ["AT", 'AT+CGDCONT=1,"IP","cmnet"', "ATD*99#"]
    refused = layout(tmp_path, app('''
import checkNet
print("stages", checkNet.waitNetworkReady(1))
'''), config={"link": {"interface": "ppp"}}, name="refused")
    r = run(refused, standin=dict(AP, modem={"refuse": "ATD*99#"}))
    assert r.value("stages") == (2, 3), r  # the network refused the dial: "denied"
    assert "ATD*99#" in r.err


def test_board_limits(tmp_path):
    flash = layout(tmp_path, app('''
import usocket, _thread
socks = []
for i in range(10):
    socks.append(usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM))
print("eleventh", err(usocket.socket, usocket.AF_INET, usocket.SOCK_STREAM))
socks.pop().close()
print("after_close", type(usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM)).__name__)
print("stack", _thread.stack_size())
'''))
    r = run(flash)
    assert r.code == 0, r
    assert r.value("eleventh")[:2] == ("OSError", 23)  # ENFILE: lwIP's 10 sockets are taken
    assert r.value("after_close") == "socket"
    assert r.value("stack") == 8192


def test_config_lives_on_the_board(tmp_path):
    # The same app, other credentials: only /board.json differs.
    body = app('''
import checkNet
print("stages", checkNet.waitNetworkReady(2))
''')
    flash = layout(tmp_path, body, config={"link": {"wlan": {"ssid": "other", "password": "pw"}}})
    assert run(flash, standin=dict(AP, aps={"other": "pw"})).value("stages") == (3, 1)
    cfg = (flash / "board.json").read_text()
    assert '"ssid": "other"' in cfg
    assert "target" not in json.loads(cfg)  # host-only sections stay on the host


def test_echo_demo_runs_as_on_an_esp32(tmp_path):
    from conftest import EXAMPLES

    flash = layout(tmp_path, app=EXAMPLES / "echo_demo")
    r = run(flash, netns=True)
    assert r.code == 0, r
    assert r.lines.count("[client] recv data: b'1234567890'") == 3, r
    assert "[server] bind address: 127.0.0.1, 80" in r.lines


def test_gpio_uses_the_boards_pins(tmp_path):
    flash = layout(tmp_path, app('''
import esp32_machine as hw
from machine import Pin, ExtInt
led = Pin(Pin.GPIO5, Pin.OUT, Pin.PULL_DISABLE, 0)
print("write", led.write(1), hw.levels[5], led.read())
button = Pin(Pin.GPIO4, Pin.IN, Pin.PULL_PU)
print("pullup", button.read(), hw.pins[4].pull() == hw.Pin.PULL_UP)
seen = []
ext = ExtInt(ExtInt.GPIO6, ExtInt.IRQ_FALLING, ExtInt.PULL_PU, seen.append)
ext.enable()
hw.drive(6, 0)  # pulled up: a falling edge, then a rising one
hw.drive(6, 1)
import utime
for _ in range(100):
    if seen:
        break
    utime.sleep_ms(10)
print("edge", seen, ext.read_count(0))
'''))
    r = run(flash)
    assert r.code == 0, r
    assert r.value("write") == "0 1 1"
    assert r.value("pullup") == "1 True"
    assert r.value("edge") == "[(6, 1)] [0, 1]"  # [rising, falling]: armed for falling only


def test_uart_is_the_boards_own(tmp_path):
    flash = layout(tmp_path, app('''
import esp32_machine as hw
from machine import UART
import queue
got = queue.Queue()
u = UART(UART.UART1, 115200, 8, 2, 2, 1)
u.set_callback(lambda para: got.put((para[0], para[1], u.read(para[2]))))
print("opened", sorted(hw.uarts[1].opened.items()))
print("write", u.write("AT\\r\\n"))
print("reply", got.get())
print("close", u.close(), hw.uarts[1].closed)
print("mark", err(UART, UART.UART1, 115200, 8, 3, 1, 0)[0])
'''))
    r = run(flash)
    assert r.code == 0, r
    opened = dict(r.value("opened"))
    assert opened == {"baudrate": 115200, "bits": 8, "parity": 1, "stop": 2, "flow": 3,
                      "rxbuf": 4096, "timeout": 0}  # QuecPython odd parity (2) is the board's 1
    assert r.value("write") == 4
    assert r.value("reply") == (0, 1, b"\r\nOK\r\n")
    assert r.value("close") == "0 True"
    assert r.value("mark") == "ValueError"


def test_keepalive_is_accepted_though_the_board_cannot_set_it(tmp_path, peer_server):
    # modsocket.c's setsockopt knows no SO_KEEPALIVE, and lwIP's TCP_KEEPIDLE
    # is IP_ADD_MEMBERSHIP's number there (boards/esp32/README.md): the port
    # leaves the option alone rather than pass the board those numbers.
    port = peer_server.server_address[1]
    flash = layout(tmp_path, app(f'''
import checkNet, usocket
checkNet.waitNetworkReady(10)
s = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM)
s.settimeout(10)
s.connect(("127.0.0.1", {port}))
print("set", s.setsockopt(usocket.SOL_SOCKET, usocket.TCP_KEEPALIVE, 2))
print("range", err(s.setsockopt, usocket.SOL_SOCKET, usocket.TCP_KEEPALIVE, 121)[0])
s.close()
'''))
    r = run(flash)
    assert r.code == 0, r
    assert r.value("set") is None
    assert r.value("range") == "ValueError"  # as on the other ports (usocket_cases)
    assert "option not implemented" not in r.out  # the board's warning for an unknown option


def test_an_app_that_changes_folder_still_imports_the_shims_modules(tmp_path):
    # A board finds the shim through '' (its sys.path starts there): after the
    # app's uos.chdir('/usr') a module not loaded yet must still be found, as
    # the module's built-in ones are.
    flash = layout(tmp_path, app('''
import uos
uos.chdir('/usr')
print("cwd", uos.getcwd())
import log, ntptime
print("lazy", log.getLogger("x") is not None)
import usocket
print("standin", usocket.socket.__name__)
'''))
    r = run(flash)
    assert r.code == 0, r
    assert r.value("cwd") == "/usr"
    assert r.value("lazy") is True
    assert r.value("standin") == "socket"
