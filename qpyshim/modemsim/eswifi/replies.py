"""The eS-WiFi simulator's reply forms and limits, shared by its command
and socket halves."""

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
