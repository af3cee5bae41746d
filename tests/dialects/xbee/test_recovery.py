"""XBee's own recovery cases (issue 14): 0x8A Modem Status 00 hardware
reset, 01 watchdog reset, 02 registered, 03 unregistered; 0xCF socket state;
0x88/0x89 answers to frame IDs nobody asked (Digi, XBee Cellular User Guide
90002258, "Modem Status - 0x8A" and "Socket Status - 0xCF"; digi-xbee-python
models/status.py ModemStatus). The rig and the fuzz: tests/modemrig.py."""

import time

import pytest

from modemrig import clean, fuzz_test, inject, recovers, rig, went_down
from shim._modems.xbee.codec import encode

UNEXPECTED = [encode(b"\x8a\x00"), encode(b"\x8a\x01"), encode(b"\x8a\x02"), encode(b"\x8a\x03"),
              encode(b"\xcf\x00\x07"), encode(b"\xcf\x01\x0c"), encode(b"\xcf\x02\x03"), encode(b"\xcf\x00\x00"),
              encode(b"\x88\x01AI\x00\x23"), encode(b"\x88\x07MY\x00\x00\x00\x00\x00"), encode(b"\x89\x02\x00"),
              encode(b"\x89\x03\x76"), encode(b"\xc0\x04\x01\x00"), encode(b"\xcd\x00\x00\x00hi"),
              encode(b"\xcc\x00\x05\x7f\x00\x00\x01\x27\x11")]


XBEE_RESETS = [b"\x8a\x00", b"\x8a\x01", b"\x8a\x03"]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("status", XBEE_RESETS, ids=["reset", "watchdog", "unregistered"])
def test_xbee_asks_ai_again_after_a_modem_status_frame(status):
    # Issue 14: one valid "modem reset" frame left the link down for good
    # (every later connect 113): the driver waited for an 0x8A 02 that a
    # modem need not send, and never asked AI again.
    with rig("xbee") as (sim, drv, port):
        inject(sim, encode(status))
        went_down(drv)
        assert recovers(drv, port)
        clean(sim)


@pytest.mark.timeout(60)
def test_xbee_frees_socket_ids_a_lying_close_left_on_the_modem():
    # 0xCF for a socket the modem still holds: the driver forgets the ID,
    # the modem keeps it. Six of those fill its table (0xC0 status 0x32,
    # ENFILE); ATSI lists what it holds and the strays are closed.
    with rig("xbee") as (sim, drv, port):
        held = []
        for _ in range(6):
            s = drv.socket(1)
            s.settimeout(5)
            s.connect(("127.0.0.1", port))
            held.append(s)
        for s in held:
            inject(sim, encode(bytes((0xCF, s.id, 0x0C))))
        end = time.monotonic() + 5
        while drv.socks and time.monotonic() < end:
            time.sleep(0.01)
        assert recovers(drv, port)
        clean(sim)


test_fuzz = fuzz_test("xbee", UNEXPECTED)
