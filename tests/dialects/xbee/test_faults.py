"""XBee's own faults, on the micropython unix port through usocket and the
dataCall callback (the generic ones: tests/test_modem_faults.py)."""

from modemkit import CONNECT, simulator, stack
from shim._modems.xbee.codec import encode


def test_xbee_reset_status_frame_on_micropython(mboard, peer_server):
    """Issue 14: one valid 0x8A "hardware reset" Modem Status frame (Digi,
    XBee Cellular User Guide 90002258, "Modem Status - 0x8A") left every
    later connect failing with 113. The app on the micropython unix port,
    through usocket, sees the data call drop and then connects again."""
    port = peer_server.server_address[1]
    with simulator("xbee") as sim:
        app = mboard.start(CONNECT + f'''
import _thread
def cb(args):
    print("call", args[1])
dataCall.setCallback(cb)
s = connect({port})
s.recv(64)
s.close()
print("ready")
for i in range(120):
    utime.sleep_ms(250)  # the app's own retry pace, as QuecPython apps poll
    try:
        s = connect({port})
        s.recv(64)
        print("talk", talk(s))
        s.close()
    except OSError as e:
        print("fail", e.args[0])
''', net=stack(sim))
        try:
            app.expect(r"^ready$", timeout=60)
            sim.later(lambda: sim.send(encode(b"\x8a\x00")))
            app.expect(r"^call 0$", timeout=30)  # the reset reached the app: the link went down
            app.expect(r"^talk b'ping'$", timeout=40)  # and came back for a fresh socket
        finally:
            app.kill()
    assert not sim.errors and not sim.bad, (sim.errors, sim.bad)
