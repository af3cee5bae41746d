# The one place that knows which interpreter and network stack we run on.
# Every other shim module talks to `port` and never checks the platform itself
# (the same split pyserial makes between serialposix and serialwin32).
#
# A port module provides:
#   name                  short name of the port
#   socket(af, type)      a native socket with MicroPython semantics: errors are
#                         OSError(errno), str is accepted where bytes are, stream
#                         methods read/readinto/readline/write exist
#   pack(ip, port)        (ip, port) -> the address form the native socket takes
#   unpack(addr)          native address -> (ip_str, port_int)
#   inet_pton(af, ip)     raises OSError(22) on a malformed literal
#                         (these three only where the stack is _desktop/vnet)
#   oserror(n)            an OSError whose str() holds the number and its name
#   thread, time, os      the interpreter's own modules (MicroPython API)
#   setsockopt_keepalive(sock, minutes) / setsockopt_reuseaddr(sock, on)
#   config_text()         the board/network config as JSON text, or None
#   usr_dir()             where the app's /usr lives on the host, or None
#   mount_usr(path)       make `path` appear as /usr to the app
#   privileged_ok()       True when ports < 1024 can be bound
#   stack()               the network stack module: the desktop's virtual
#                         network (_desktop/vnet) or the board's own (_ports/boardnet)
#   link()                the driver behind dataCall (None: the simulated modem)
#   app_done(code)        what the board does when main.py's app ends
#   fd_count()            the process's open descriptors, -1 where there are none
#   abort(sock)           reset a native socket so a thread blocked on it wakes
#                         (a data-call drop); errors are swallowed
#   LIMITS                {"sockets": n or None, "thread_stack": bytes} defaults
#   TIMEOUTS_RESTART      True where the interpreter retries an interrupted socket
#                         call with its whole timeout (unix): usocket then waits
#                         itself (_lib/sockcalls.Waits); absent elsewhere
#   TICKS_30              True when the interpreter's ticks wrap at 2**30 as the
#                         module's do (else utime gives the app _desktop/ticks30.py's)
#   ERRNO                 {interpreter errno: QuecPython's} for the numbers the
#                         port's socket errors carry that differ from the
#                         module's (ESP32: newlib's); absent where none differ
#   CONNECT_RESET_REFUSED True where a connect() that raises 104 was refused
#                         (a board's lwIP); elsewhere 104 there is a reset
#                         after the accept, reported by the first data call
#   LOAD_STACK            bytes of stack for the thread a first use on an app
#                         thread loads modules on (NATIVE_STACK ports;
#                         shim/_lib/later.py aside()); absent: 32 KB
#   STREAM_BASE           the class a modem driver's socket derives from
#   stderr                the stream for diagnostics
#   expose(dir)           make the top-level modules in `dir` importable by name
#   STANDINS              names beyond shim.MODULES the interpreter owns whose
#                         QuecPython modules the shim gives (stand-ins at install)
#   waker()               an object with wait(ms) that wake() ends early
#   readable(s, ms)       whether native (or TLS) socket s has data within ms
#   serial(path, baud, bits, parity, stop, flow)
#                         a serial line (pty or device on the desktop, a UART
#                         number on a board) with QuecPython's framing numbers:
#                         read(n) without blocking (b'' when nothing is
#                         waiting), readable(ms), write(b), close()
#   gpio(n, dir, pull, level)  the board's own pin n, or None where the GPIO
#                         bank is simulated; GPIO_EDGES its IRQ triggers
#   uart_default(n)       the line UART n uses when the config names none
#   power(how)            end the board: "restart" (misc.Power.powerRestart) and
#                         "watchdog" boot it again, "off" powers it down
#   boot_reason()         misc.Power.powerOnReason() of this boot
#
# shim.PORT, set before shim.install(), picks a port by name instead: that is
# how the ESP32 port is exercised on the unix interpreter with stand-ins.
import sys
from .. import PORT as _forced

if _forced == "esp32" or (not _forced and sys.platform == "esp32"):
    from . import esp32 as port
elif _forced == "cpython" or (not _forced and sys.implementation.name != "micropython"):
    from . import cpython as port
else:
    from . import unix as port
