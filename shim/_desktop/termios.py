# Serial framing for the desktop's serial lines (Linux termios), shared by the
# unix and CPython ports.
# Linux c_cflag bits: the unix port's termios module names none of them.
_CSIZE, _CSTOPB, _PARENB, _PARODD, _CMSPAR, _CRTSCTS = 0o60, 0o100, 0o400, 0o1000, 0o10000000000, 0o20000000000
_PARITY = (0, _PARENB, _PARENB | _PARODD, _PARENB | _CMSPAR | _PARODD, _PARENB | _CMSPAR)


def cflag(c, bits, parity, stop, flow):
    """QuecPython's framing (parity 0 none, 1 even, 2 odd, 3 mark, 4 space)
    as termios c_cflag bits."""
    c &= ~(_CSIZE | _CSTOPB | _PARENB | _PARODD | _CMSPAR | _CRTSCTS)
    c |= (bits - 5) << 4 | _PARITY[parity] | (_CSTOPB if stop == 2 else 0) | (_CRTSCTS if flow else 0)
    return c
