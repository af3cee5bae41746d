"""WIP's own recovery cases (issue 14): +WIND: 4 (the modem rebooted),
+WIND: 8 (network lost), +WIPBR: 6,0 (bearer closed), +WIPPEERCLOSE,
+WIPREADY, +WIPDATA, +WIPERROR, bare +CME ERROR (Sierra Wireless, AT Commands
Interface Guide for Open AT IP Connectivity Plug-In (WIP), +WIPBR /
+WIPCREATE / +WIPDATA; AT Commands Interface Guide, +WIND). The rig and the
fuzz: tests/modemrig.py."""

import time

import pytest

from modemrig import clean, fuzz_test, inject, recovers, rig

UNEXPECTED = [b"\r\n+WIND: 4\r\n", b"\r\n+WIND: 8\r\n", b"\r\n+WIND: 9\r\n", b"\r\n+WIND: 3\r\n", b"\r\n+WIPBR: 6,0\r\n",
              b"\r\n+WIPBR: 6,1\r\n", b"\r\n+WIPPEERCLOSE: 2,1\r\n", b"\r\n+WIPPEERCLOSE: 2,2\r\n",
              b"\r\n+WIPREADY: 2,1\r\n", b"\r\n+WIPDATA: 2,1,5\r\n", b"\r\n+WIPERROR: 2,1,843\r\n",
              b"\r\n+CME ERROR: 843\r\n", b"\r\nOK\r\n", b"\r\nERROR\r\n", b"\r\nCONNECT\r\n",
              b"\r\n+WIPACCEPT: 1,5\r\n", b"\r\n+CREG: 0\r\n"]


@pytest.mark.timeout(60)
def test_wip_reclaims_an_index_a_lying_peerclose_left_on_the_modem():
    # Issue 14: with well-formed unsolicited results in the noise, fresh
    # sockets gave 9 for ever: +WIPPEERCLOSE for a socket the modem still
    # held freed the index in the driver only, and each create of it then
    # got 831 (bad state).
    with rig("wip") as (sim, drv, port):
        s = drv.socket(1)
        s.settimeout(5)
        s.connect(("127.0.0.1", port))
        i = s.id & 15
        inject(sim, b"\r\n+WIPPEERCLOSE: 2,%d\r\n" % i)
        end = time.monotonic() + 5
        while not s.eof and time.monotonic() < end:
            time.sleep(0.01)
        with drv.lock:  # the driver has let the index go; the modem has not
            drv.socks.pop(s.id, None)
        assert recovers(drv, port)
        clean(sim)


test_fuzz = fuzz_test("wip", UNEXPECTED)
