"""The eS-WiFi simulator's replies, pure: their forms, the module's limits,
the number fields it takes, and a reply the garble fault breaks."""

PROMPT = b"\r\n> "
MAX_DATA = 1460
WAITING = b"[TCP SVR] Waiting on connection ..."
RX_CAP = 16384  # bytes a socket holds for R0 before its host socket is left unread
OUT_CAP = 65536  # bytes S3 may queue for a slow peer before the module waits
IDLE, CLIENT, SERVER = 0, 1, 2


def ok(*lines):
    return b"\r\n" + b"".join(x + b"\r\n" for x in lines) + b"OK\r\n> "


def fail(*lines):
    return b"\r\n" + b"\r\n".join(lines) + PROMPT


def usage(text):
    return fail(b"ERROR: Invalid parameter", b"Usage: " + text.encode())


def _num(text, lo, hi):
    return int(text) if text.isdigit() and lo <= int(text) <= hi else None


def garbled(data):
    """data with one byte of its OK (or ERROR) broken: a reply the driver
    can't read."""
    i = data.rfind(b"OK\r\n> ")
    i = i + 1 if i >= 0 else data.rfind(b"ERROR") + 2
    return data[:i] + bytes([data[i] ^ 0x55]) + data[i + 1:]
