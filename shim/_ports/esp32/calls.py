# The ESP32 port beyond boot (shim/_ports/esp32/__init__.py loads it on first
# use): the board's sockets, its link behind dataCall, serial lines, power,
# pins and TLS.
import sys
import time

# The board's own machine and socket, as boot took them (install() puts the
# QuecPython machine's stand-in under the name afterwards).
from . import machine, stderr, _s
from ..common import readable  # noqa: F401  the port's, shared


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
    from .wlan import Link

    return Link(_config.section("link"))


def app_done(code):
    # A board does not exit: it prints why the app stopped and shows its REPL.
    if code:
        stderr.write("qpyshim: the app ended with status %d\n" % code)


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


def nv_path():
    return "/nvram.json"  # the flash's root, outside the app's /usr
