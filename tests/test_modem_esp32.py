"""A modem on an ESP32's UART: the ESP32 port of the shim (on the unix port,
with tests/esp32/'s stand-ins), its board config naming a modem on UART 2,
and the stand-in UART wired to the modem simulator's line. The same app as
on the desktop, with machine.UART as the transport."""

import pytest

import esp32_board
from modemkit import DIALECTS, FAST, simulator

APP = '''
import usocket, checkNet, dataCall
print("net", checkNet.waitNetworkReady(30))
print("ip", dataCall.getInfo(1, 0)[2][2])
s = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM)
s.settimeout(10)
s.connect(("127.0.0.1", %d))
print("greeting", s.recv(64)[:5])
s.send(b"over the UART")
got = b""
while len(got) < 13:
    got += s.recv(64)
print("echo", got)
print("state", s.getsocketsta())
s.close()
'''


@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_board_talks_to_its_modem_over_machine_uart(tmp_path, dialect, peer_server):
    with simulator(dialect) as sim:
        stack = {"driver": dialect, "line": 2, "baudrate": 115200, **FAST.get(dialect, {})}
        flash = esp32_board.layout(tmp_path, APP % peer_server.server_address[1], config={"stack": stack})
        r = esp32_board.run(flash, standin={"modem": {"wired": {"2": sim.line.path}}}, timeout=60)
    assert r.code == 0, r
    assert r.value("net") == (3, 1), r
    assert r.value("greeting") == b"peer=" and r.value("echo") == b"over the UART", r
    assert r.value("state") == 4, r
