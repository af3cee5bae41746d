# ESP32 boards on stock MicroPython (1.24 and newer). Their sockets already
# take and return (ip, port) tuples, so addresses are not converted: the
# shim's sockets hand them straight through (_ports/boardnet), and the
# pack/unpack/inet_pton the desktop's _desktop/vnet needs are absent. Their
# errors carry newlib's numbers: ERRNO below gives QuecPython's. This file is
# what the board needs to boot; the rest of the port is in calls.py and loads
# on first use, through __getattr__ at the end.
import socket as _s
import _thread as thread
import time
import os
import sys
import machine  # noqa: F401  the board's own, extended by shim.machine

name = "esp32"
stderr = sys.stderr
socket = _s.socket
CONFIG = "/board.json"  # written by `qpyshim image` / `qpyshim deploy`

# lwIP has 10 sockets on ESP-IDF's default CONFIG_LWIP_MAX_SOCKETS, which
# MicroPython's ESP32 builds keep; 8 KiB is QuecPython's smallest thread stack
# and what the board's internal RAM can give each of a handful of threads.
LIMITS = {"sockets": 10, "thread_stack": 8192}
NATIVE_STACK = True
# The port is built with MICROPY_USE_INTERNAL_ERRNO 0 (ports/esp32/mpconfigport.h),
# so py/mperrno.h's MP_Exxx are ESP-IDF newlib's (newlib/libc/include/sys/errno.h)
# and lwIP's err_to_errno() hands out the same: the board's OSError numbers are
# newlib's. QuecPython's are Linux's (MicroPython's internal table). Only the
# numbers that differ, one step (never chained): newlib -> QuecPython. The
# socket errors lwIP and ports/esp32/modsocket.c can raise; boards/esp32/README.md
# has the sources. 104 ECONNRESET, 111 ECONNREFUSED, 11 EAGAIN, 32 EPIPE, 23 ENFILE,
# 105 ENOBUFS, 95 EOPNOTSUPP, 22 EINVAL, 12 ENOMEM, 9 EBADF, 5 EIO are the same.
ERRNO = {
    116: 110,  # ETIMEDOUT
    119: 115,  # EINPROGRESS
    120: 114,  # EALREADY
    112: 98,  # EADDRINUSE
    113: 103,  # ECONNABORTED
    118: 113,  # EHOSTUNREACH
    128: 107,  # ENOTCONN
    127: 106,  # EISCONN
    106: 97,  # EAFNOSUPPORT
    109: 92,  # ENOPROTOOPT
    122: 90,  # EMSGSIZE
    125: 99,  # EADDRNOTAVAIL
}
# lwIP answers a connect's RST with ERR_RST, which modsocket.c's connect
# raises as 104: on this board a reset during connect() is the peer refusing.
CONNECT_RESET_REFUSED = True
TICKS_30 = True  # a 32-bit port: small ints, and so ticks, wrap at 2**30
# What a driver's socket derives from: an IOBase with ioctl() is pollable.
import io as _io  # noqa: E402

STREAM_BASE = _io.IOBase


def oserror(n):
    return OSError(n)


def config_text():
    try:
        with open(CONFIG) as f:
            return f.read()
    except OSError:
        return None  # no config: the defaults (Wi-Fi with no network set)


def usr_dir():
    return "/usr"  # the app's own folder on the board's filesystem


def mount_usr(path):
    try:
        os.mkdir(path)
    except OSError:
        pass  # already there
    os.chdir("/")  # QuecPython starts in / with "" on sys.path: import usr.x works
    if "" not in sys.path:
        sys.path.insert(0, "")


aliases = {}  # the u-names are the interpreter's own
# but for uerrno, whose numbers are newlib's: the app gets QuecPython's
# (shim/uerrno.py), the numbers the shim's socket errors carry (ERRNO).
STANDINS = ("uerrno",)


def expose(path):
    sys.path.insert(0, path)


# ExtInt modes (rising, falling, both) as the board's IRQ triggers.
GPIO_EDGES = (machine.Pin.IRQ_RISING, machine.Pin.IRQ_FALLING,
              machine.Pin.IRQ_RISING | machine.Pin.IRQ_FALLING)


open_host = open  # the board's own files: on a board the app's open is the same
fopen = open  # and a board path is the board's own path


def __getattr__(n):
    # The rest of the port (sockets, the link, serial lines, power, pins; in
    # calls.py), on first use and once, whichever thread asks first; a
    # constant not here is the port's answer (ERRNO elsewhere, LOAD_STACK).
    # This package's own modules are imported as `from .wlan import Link`:
    # `from . import wlan` would ask here first.
    if n[:2] == "__" or n == "calls" or n[:1].isupper():
        raise AttributeError(n)
    from ..._lib.later import part

    return getattr(part("_ports.esp32.calls"), n)
