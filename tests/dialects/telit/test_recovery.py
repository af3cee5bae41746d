"""Telit's unsolicited set for the recovery fuzz (issue 14): SRING, NO
CARRIER, +CGEV: NW DEACT, #SGACT and +CME ERROR 556 (Telit AT Commands
Reference Guide 80000ST10025a, #SGACT, #SD, SRING). The rig and the fuzz:
tests/modemrig.py."""

from modemrig import fuzz_test

UNEXPECTED = [b"\r\nNO CARRIER\r\n", b"\r\nSRING: 1,5\r\n", b"\r\nSRING: 2,10\r\n", b"\r\n+CGEV: NW DEACT\r\n",
              b"\r\n#SGACT: 1,0\r\n", b"\r\n#SGACT: 1,1\r\n", b"\r\nOK\r\n", b"\r\nERROR\r\n",
              b"\r\n+CME ERROR: 556\r\n", b"\r\n+CREG: 0\r\n", b"\r\n+CREG: 1\r\n", b"\r\nCONNECT\r\n", b"\r\n> "]

test_fuzz = fuzz_test("telit", UNEXPECTED)
