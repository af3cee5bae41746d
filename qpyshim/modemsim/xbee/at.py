"""The XBee simulator's local AT commands (frame 0x08 -> 0x88): the ones a
socket driver needs (AI, MY, LA, AM, AP, SI) and a few fixed answers (VR,
SH, SL, BD). Functions of the modem: it holds the state they read and set
(ai, airplane, the API mode) and offers airplane() and api_mode_to()."""

import socket

FIXED = {"VR": b"\x11\x41\x10", "SH": b"\x00\x13\xa2\x00", "SL": b"\x41\x8e\x2b\x17", "BD": b"\x07"}


def answer(modem, cmd, param):
    """(status, value) of one AT command; status 2 an invalid command."""
    if cmd == "AI":
        return 0, bytes([modem.ai])
    if cmd == "MY":
        return 0, socket.inet_aton(modem.net.ip if modem.ai == 0 else "0.0.0.0")
    if cmd == "LA":
        try:
            return 0, socket.inet_aton(modem.net.resolve(param.decode("latin-1")))
        except Exception:
            return 1, b""
    if cmd == "AM":
        if param:
            modem.later(lambda: modem.airplane_mode(param[-1] == 1))
            return 0, b""
        return 0, bytes([1 if modem.airplane else 0])
    if cmd == "AP":
        if param:
            if param[-1] not in (1, 2):
                return 3, b""
            modem.api_mode_to(param[-1])
            return 0, b""
        return 0, bytes([2 if modem.escaped else 1])
    if cmd == "SI":
        return modem.sockets.info(param)
    if cmd in FIXED:
        return 0, FIXED[cmd]
    return 2, b""  # invalid command
