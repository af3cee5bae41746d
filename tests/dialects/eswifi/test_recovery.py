"""eS-WiFi's unsolicited set for the recovery fuzz (issue 14): stray OK /
ERROR / `> ` prompts and `-1` (Inventek ISM43362 AT Command Set, "Command
Responses"). The rig and the fuzz: tests/modemrig.py."""

from modemrig import fuzz_test

UNEXPECTED = [b"\r\nOK\r\n> ", b"\r\nERROR\r\n> ", b"\r\n> ", b"\r\n-1\r\nERROR\r\n> ",
              b"\r\nERROR: Connection reset\r\n> ", b"\r\n1\r\nOK\r\n> ", b"\r\n0\r\nOK\r\n> "]

test_fuzz = fuzz_test("eswifi", UNEXPECTED)
