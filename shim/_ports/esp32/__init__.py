# ESP32 boards on stock MicroPython (1.24 and newer). Their sockets already
# take and return (ip, port) tuples, so addresses are not converted: the
# shim's sockets hand them straight through (_ports/boardnet), and the
# pack/unpack/inet_pton the desktop's _desktop/vnet needs are absent. Their
# errors carry newlib's numbers: ERRNO below gives QuecPython's.
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
NATIVE_STREAMS = False  # lwIP's stream errors differ: the shim's wrappers map them
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


def setsockopt_reuseaddr(sock, on):
    sock.setsockopt(_s.SOL_SOCKET, _s.SO_REUSEADDR, on)


def setsockopt_keepalive(sock, minutes):
    # Not settable on this port: ports/esp32/modsocket.c's socket_setsockopt
    # switches on the option number alone and knows SO_REUSEADDR, SO_BROADCAST,
    # SO_BINDTODEVICE, TCP_NODELAY and IP_ADD_MEMBERSHIP. SO_KEEPALIVE (8) only
    # prints a warning, and lwIP's TCP_KEEPIDLE (3) is IP_ADD_MEMBERSHIP's
    # number (a TypeError for an int), TCP_KEEPINTVL (4) SO_REUSEADDR's. The
    # app's TCP_KEEPALIVE is accepted (its range checked by usocket) and lwIP
    # keeps its default: no keepalive probes.
    pass


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


def privileged_ok():
    return True  # nothing stops a board binding port 80


def print_exception(e):
    sys.print_exception(e)


def heap_free():
    import gc

    return gc.mem_free()


def tcp_state(sock):
    # The board's recv() takes no flags, so no peek: poll says whether the
    # peer hung up or the socket failed; otherwise it counts as established.
    import select

    p = select.poll()
    p.register(sock, select.POLLIN)
    for _, ev in p.poll(0):
        if ev & select.POLLERR:
            return 0
        if ev & select.POLLHUP:
            return 7
    return 4


def abort(sock):
    # lwIP wakes a task blocked on a socket that is closed under it.
    try:
        sock.close()
    except OSError:
        pass


def fd_count():
    return -1  # lwIP keeps no descriptor table to count


def stack():
    from .. import boardnet as _boardnet

    return _boardnet


def link():
    from ..._lib import config as _config
    from . import wlan as _esp32_link

    return _esp32_link.Link(_config.section("link"))


def app_done(code):
    # A board does not exit: it prints why the app stopped and shows its REPL.
    if code:
        stderr.write("qpyshim: the app ended with status %d\n" % code)


def expose(path):
    sys.path.insert(0, path)


class _Waker:
    # No descriptor to wake a poll with: sleep in short steps and look.
    def __init__(self):
        self._woken = False

    def wait(self, ms):
        end = time.ticks_add(time.ticks_ms(), ms)
        while not self._woken and time.ticks_diff(end, time.ticks_ms()) > 0:
            time.sleep_ms(min(20, max(1, time.ticks_diff(end, time.ticks_ms()))))
        self._woken = False

    def wake(self):
        self._woken = True


def waker():
    return _Waker()


def serial(path, baud, bits=8, parity=0, stop=1, flow=0):
    if parity > 2:
        raise OSError(22)  # mark/space parity: the ESP32's UART has none
    from .line import Uart  # only a board with a modem on a UART loads it

    return Uart(path, baud, bits, parity, stop, flow)


_WATCHDOG = b"qpyshim:watchdog"  # left in RTC memory, which a reset keeps


def power(how):
    if how == "watchdog":
        try:
            machine.RTC().memory(_WATCHDOG)  # the reset itself looks like any software reset
        except (AttributeError, OSError):
            pass
    machine.deepsleep() if how == "off" else machine.reset()


_reason = []


def boot_reason():
    # misc.Power.powerOnReason: 1 power key, 2 reset, 5 watchdog
    if not _reason:
        try:
            r = {machine.SOFT_RESET: 2, machine.WDT_RESET: 5}.get(machine.reset_cause(), 1)
            rtc = machine.RTC()
            if rtc.memory() == _WATCHDOG:
                r = 5
                rtc.memory(b"")
        except (AttributeError, OSError):
            r = 1  # a board without reset causes or RTC memory
        _reason.append(r)
    return _reason[0]


def uart_default(n):
    return n  # the board's own UART n


def tls(sock, server_hostname, cert, key, ca):
    from ..._lib.tls import wrap

    return wrap(sock, server_hostname, cert, key, ca)


def gpio(n, direction, pull, level):
    # QuecPython's pin numbers are the board's GPIO numbers here.
    pulls = (None, machine.Pin.PULL_UP, machine.Pin.PULL_DOWN)
    mode = machine.Pin.OUT if direction == 1 else machine.Pin.IN
    if level is None:
        return machine.Pin(n, mode, pulls[pull])
    return machine.Pin(n, mode, pulls[pull], value=level)


# ExtInt modes (rising, falling, both) as the board's IRQ triggers.
GPIO_EDGES = (machine.Pin.IRQ_RISING, machine.Pin.IRQ_FALLING,
              machine.Pin.IRQ_RISING | machine.Pin.IRQ_FALLING)


def readable(s, ms):
    """Whether a read on native socket (or TLS socket) s would find data
    within ms; the socket's blocking mode is left alone."""
    import select

    p = select.poll()
    p.register(s, select.POLLIN)
    return bool(p.poll(ms))


def nv_path():
    return "/nvram.json"  # the flash's root, outside the app's /usr


open_host = open  # the board's own files: on a board the app's open is the same
