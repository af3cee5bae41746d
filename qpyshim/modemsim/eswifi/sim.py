"""An Inventek eS-WiFi module (ISM43362 / ISM43340) on its UART: two-letter
commands ended by CR (CR LF tolerated; no echo), replies
`\\r\\n<body>\\r\\nOK\\r\\n> ` or `\\r\\n<error>\\r\\n> `, the Wi-Fi join (C0..C4,
CD, CS, C?), DNS (D0), four transport register sets selected by P0, S3/S0
sends, R0 reads that wait up to R2 ms, the multi-accept TCP server of
Inventek's page "TCP Multi-Accept Server & Sockets AT Commands" (P5=11 /
P5=10 / P5=0 with its `[TCP SVR]`/`[TCP TSK]` lines),
UDP clients and servers. Every socket is backed by a host socket on loopback.

Choices where the module's behaviour is not documented (neither Inventek's
pages nor ST's es_wifi and Zephyr's eswifi drivers say):
* the informational lines print ASCII "..." (Inventek's page shows "…", the
  web page's typography);
* async lines (`\\r\\n[TCP SVR] Accepted a.b.c.d:port\\r\\n> `) never cut into a
  reply: while a command runs (R0 waiting, a connect) they are held;
* a connection the peer closed answers R0/S3 with `-1` + `ERROR` (the note:
  "connection lost"), one reset (RST, the drop fault) with `-1` +
  `ERROR: Connection reset`; buffered data is read first;
* errors are `\\r\\nERROR: <why>\\r\\n> ` (with a `Usage:` line for a bad
  parameter), the join failure as ST's es_wifi driver expects it; S3/R1 beyond 1460
  bytes are refused (S3's bytes are then not read: they are not announced);
* R2 defaults to 1000 ms, P0 to socket 0; P7, TLS and MQTT are not simulated.

EsWifiSim holds the Wi-Fi side (the join settings, joined, the access
point's reach) and owns its parts: the UART channel (channel.py) and the
transport (sockets.py); replies.py is the pure reply forms.
"""

import time

from ..base import Simulator
from ..net import UnknownHost
from .channel import Channel
from .replies import PROMPT, fail, ok, usage
from .sockets import Sockets


def _wifi(name, check):
    """A command that sets one of the join settings (C1..C4)."""
    def h(self, arg):
        if arg is None or not check(arg):
            return usage(f"{name}=<value>")
        self.wifi[name] = arg
        return ok()
    return h


class EsWifiSim(Simulator):
    NAME = "eswifi"

    def __init__(self, *args, sockets=4, ssid=None, password=None, recover_s=1.0, **kw):
        self.limit = sockets
        self.want_ssid = ssid  # None: any network joins
        self.want_password = password
        self.recover_s = recover_s  # after lose-context the access point is out of reach this long
        self.ap_back = 0.0
        self.channel = Channel(self, self._command)
        super().__init__(*args, **kw)

    def reset(self):
        self.channel.reset()
        self.sockets = Sockets(self, self.channel, self.limit)
        self.wifi = {"C1": "", "C2": "", "C3": "0", "C4": "1"}
        self.joined = False

    def banner(self):
        return PROMPT

    def received(self, data):
        self.channel.received(data)

    def _command(self, line):
        name, eq, arg = line[:2], line[2:3], line[3:]
        part = self if name in self.COMMANDS else self.sockets
        h = part.COMMANDS.get(name)
        if h is None or eq not in ("", "="):
            self.malformed(line.encode("latin-1"))
            return fail(b"ERROR: Unknown command")
        return h(part, arg if eq else None)

    # -- Wi-Fi -----------------------------------------------------------------------------------
    def c_c0(self, arg):
        w = self.wifi
        if not w["C1"] or (self.want_ssid is not None and w["C1"] != self.want_ssid) or (
                self.want_password is not None and w["C2"] != self.want_password) or time.monotonic() < self.ap_back:
            return fail(b"[JOIN   ] Failed", b"ERROR: Unknown Error", b"Usage: C0")
        self.joined = True
        return ok(f"[JOIN   ] {w['C1']},{self.net.ip},0,0".encode())

    def c_cd(self, arg):
        self.joined = False
        self.sockets.teardown()
        return ok()

    def c_cs(self, arg):
        return ok(b"1" if self.joined else b"0")

    def c_cq(self, arg):
        w, ip = self.wifi, self.net.ip if self.joined else "0.0.0.0"
        return ok(f"{w['C1']},{w['C2']},{w['C3']},{w['C4']},0,{ip},255.0.0.0,{ip},{ip},0.0.0.0,5,0".encode())

    def c_d0(self, arg):
        if not self.joined:
            return fail(b"ERROR: Not joined to a network")
        try:
            return ok(self.net.resolve(arg or "").encode())
        except (UnknownHost, ValueError):
            return fail(b"ERROR: Host not found")

    def c_iq(self, arg):
        return ok(b"ISM43362-M3G-L44-UART,C3.5.2.5.STM,v3.5.2,v1.4.0.rc1,v8.2.1,120000000,Inventek eS-WiFi")

    def c_z5(self, arg):
        return ok(b"C4:7F:51:00:00:01")

    def c_mr(self, arg):
        return ok(b"")  # on the UART async messages are printed as they happen

    # -- faults --------------------------------------------------------------------------------
    def drop_connections(self):
        self.sockets.drop_connections()

    def restart(self):
        self.sockets.release(True)
        super().restart()

    def stop(self):
        super().stop()
        self.sockets.release(False)

    def lose_context(self):
        self.joined = False  # the access point went: so did every connection
        self.ap_back = time.monotonic() + self.recover_s
        self.sockets.teardown()

    COMMANDS = {
        "C0": c_c0, "C1": _wifi("C1", lambda a: 0 < len(a) <= 32), "C2": _wifi("C2", lambda a: len(a) <= 63),
        "C3": _wifi("C3", lambda a: a in ("0", "1", "2", "3", "4")), "C4": _wifi("C4", lambda a: a in ("0", "1")),
        "CD": c_cd, "CS": c_cs, "C?": c_cq, "D0": c_d0, "I?": c_iq, "Z5": c_z5, "MR": c_mr,
    }
