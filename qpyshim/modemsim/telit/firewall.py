"""The Telit simulator's listener firewall (#FRWL): which peers a listening
connId admits. Owned by TelitSim; answers on the UART."""

import ipaddress

from .codec import Bad, num, string


class Firewall:
    def __init__(self, uart, default_drop):
        self.uart = uart
        self.default_drop = default_drop  # Telit's default: an empty list admits no one
        self.frwl = []  # [(ip, mask)] as int pairs, in order

    def c_FRWL(self, form, a):
        if form == "read":
            return self.uart.ok(*(f'#FRWL: "{ipaddress.ip_address(i)}","{ipaddress.ip_address(m)}"'
                                  for i, m in self.frwl))
        if form != "set":
            raise Bad(form)
        action = num(a, 0, 0, 2)
        if action == 2:
            self.frwl.clear()
            return self.uart.ok()
        try:
            entry = (int(ipaddress.IPv4Address(string(a, 1))), int(ipaddress.IPv4Address(string(a, 2))))
        except ValueError:
            raise Bad("address") from None
        if action == 1 and entry not in self.frwl:
            if len(self.frwl) >= 64:
                return self.uart.cme(4)
            self.frwl.append(entry)
        elif action == 0:
            if entry not in self.frwl:
                return self.uart.cme(3)
            self.frwl.remove(entry)
        self.uart.ok()

    def admits(self, ip):
        if not self.frwl:
            return not self.default_drop
        try:
            v = int(ipaddress.IPv4Address(ip))
        except ValueError:
            return False
        return any(v & m == i & m for i, m in self.frwl)
