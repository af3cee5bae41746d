"""The XBee simulator's local AT commands (frame 0x08 -> 0x88): the ones a
socket driver needs (AI, MY, LA, AM, AP, SI) and a few fixed answers (VR,
SH, SL, BD). Mixed into XBeeSim."""

import socket


class AtCommands:
    # -- AT commands (0x08) -------------------------------------------------------------
    def f_08(self, f):
        if len(f) < 4:
            return
        fid, cmd, param = f[1], f[2:4].decode("latin-1"), f[4:]
        status, value = self.at(cmd, param)
        if fid:
            self.out(b"\x88", bytes([fid]), cmd.encode("latin-1"), bytes([status]), value)

    def at(self, cmd, param):
        if cmd == "AI":
            return 0, bytes([self.ai])
        if cmd == "MY":
            return 0, socket.inet_aton(self.net.ip if self.ai == 0 else "0.0.0.0")
        if cmd == "LA":
            try:
                return 0, socket.inet_aton(self.net.resolve(param.decode("latin-1")))
            except Exception:
                return 1, b""
        if cmd == "AM":
            if param:
                self.later(lambda: self._airplane(param[-1] == 1))
                return 0, b""
            return 0, bytes([1 if self.airplane else 0])
        if cmd == "AP":
            if param:
                if param[-1] not in (1, 2):
                    return 3, b""
                self.escaped = param[-1] == 2
                self.reader.escaped = self.escaped
                return 0, b""
            return 0, bytes([2 if self.escaped else 1])
        if cmd == "SI":
            if not param:
                return 0, b"".join(b"0x%02X\r" % i for i in sorted(self.socks)) + b"\r"
            s = self.socks.get(param[0])
            if s is None:
                return 3, b""
            state = {"alloc": "ALLOCATED", "connecting": "CONNECTING", "connected": "CONNECTED",
                     "listening": "LISTENING", "bound": "BOUND"}[s.state]
            peer = s.peer or ("0.0.0.0", 0)
            return 0, (f"0x{param[0]:02X}\r{state}\r{'TCP' if s.proto else 'UDP'}\r{s.port:X}\r"
                       f"{peer[1]:X}\r{peer[0]}\r\r").encode()
        fixed = {"VR": b"\x11\x41\x10", "SH": b"\x00\x13\xa2\x00", "SL": b"\x41\x8e\x2b\x17",
                 "BD": b"\x07"}
        if cmd in fixed:
            return 0, fixed[cmd]
        return 2, b""  # invalid command

    def _airplane(self, on):
        self.airplane = on
        if on:
            self.lose_context(recover=False)
            self.ai = 0x2A
        else:
            self.ai = 0
            self.out(b"\x8a\x02")
