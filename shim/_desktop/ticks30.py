# The module's tick counters: ticks_ms/us/cpu recount past 0x3FFFFFFF (DOC
# stdlib/utime.md), so ticks_add and ticks_diff work modulo 2**30. A port
# whose own counters wrap elsewhere (the 64-bit unix port: 2**62) gives the
# app these instead; the shim's own waits keep the interpreter's.
from .._ports import port as _p

_t = _p.time
_MASK = 0x3FFFFFFF
_HALF = 0x20000000


def ticks_ms():
    return _t.ticks_ms() & _MASK


def ticks_us():
    return _t.ticks_us() & _MASK


def ticks_cpu():
    return _t.ticks_cpu() & _MASK


def ticks_add(ticks, delta):
    if not -_HALF <= delta < _HALF:
        raise OverflowError("ticks interval overflow")  # as MicroPython's ticks_add
    return (ticks + delta) & _MASK


def ticks_diff(new, old):
    return ((new - old + _HALF) & _MASK) - _HALF
