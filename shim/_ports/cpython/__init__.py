# CPython, for debugging apps with a full Python. The host's socket objects are
# adapted to MicroPython's semantics (OSError(errno) with the errno's name,
# str accepted as data, stream methods), so the shim above sees one behaviour.
# This file is the port's surface (shim/_ports/__init__.py lists it); each job
# behind it has its own file: sock (sockets), usr (the board's /usr and /bak),
# clock (time, timed waits), line (serial lines), tlsock (TLS), umods (the
# u-modules' MicroPython manners).
import builtins
import os as _os
import sys
import threading  # noqa: F401  bind threading to the real _thread before install
import _thread as thread

from . import usr as _usr
from .clock import time, waker  # noqa: F401
from .line import serial  # noqa: F401
from .sock import (oserror, socket, pack, unpack, inet_pton, setsockopt_reuseaddr,  # noqa: F401
                   setsockopt_keepalive, tcp_state, abort, readable)
from .tlsock import tls  # noqa: F401
from .umods import aliases as _aliases
from .usr import os, fopen, frename  # noqa: F401

name = "cpython"
stderr = sys.stderr

_open = builtins.open
open_host = _open
fs = None  # shim/_desktop/fs.py once the board's filesystem is mounted


def config_text():
    path = _os.getenv("QPYSHIM_CONFIG")
    if not path:
        return None
    with _open(path) as f:
        return f.read()


def usr_dir():
    return _os.getenv("QPYSHIM_USR")


def mount_usr(path):
    global fs
    fs = _usr.mount(path)


aliases = _aliases()
STANDINS = ()  # the interpreter's own modules that answer as QuecPython's


def privileged_ok():
    return _os.geteuid() == 0


def print_exception(e):
    import traceback

    traceback.print_exception(type(e), e, e.__traceback__)


def heap_free():
    # CPython has no fixed heap: report what the host could still give us.
    try:
        with _open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


machine = None  # CPython has no machine module; shim.machine stands alone


def fd_count():
    return len(_os.listdir("/proc/self/fd"))


LIMITS = {"sockets": None, "thread_stack": 8448}  # the host's own socket limit
NATIVE_STACK = False  # host threads keep the host's stack size
TICKS_30 = True  # the stand-in time module counts modulo 2**30, as the module
# What a driver's socket derives from: on CPython a plain object (io.IOBase
# would close it from the garbage collector, sending the modem a command).
STREAM_BASE = object


def stack():
    from ..._desktop import vnet as _vnet

    return _vnet


def link():
    return None


def app_done(code):
    sys.exit(code)


def expose(path):
    sys.path.insert(0, path)  # firmware modules win over the app's files, as on the module
    shim = sys.modules[__name__.split(".")[0]]
    for f in _os.listdir(path):
        n = f[:-3]
        if not f.endswith(".py") or n == "__init__" or n in shim.MODULES or n in shim.LATER:
            continue
        m = sys.modules.get(n)
        if m is not None and not (getattr(m, "__file__", "") or "").startswith(path):
            del sys.modules[n]  # the host's own (CPython's queue): the app gets QuecPython's


def power(how):
    import signal

    # CPython leaves these three at their default action (end the process);
    # signal.signal() could not change that from the timer thread anyway.
    sig = {"restart": signal.SIGUSR1, "watchdog": signal.SIGALRM, "off": signal.SIGUSR2}[how]
    _os.kill(_os.getpid(), sig)


def boot_reason():
    return int(_os.getenv("QPYSHIM_BOOT_REASON") or 1)


def uart_default(n):
    return None  # the desktop has no serial lines but those the config names


def gpio(n, direction, pull, level):
    return None  # the desktop's GPIO bank is simulated (shim/_lib/gpio.py)


GPIO_EDGES = None


def nv_path():
    # The board's non-volatile store sits at the root of its flash, beside /usr.
    root = _os.getenv("QPYSHIM_FLASH")
    return root + "/nvram.json" if root else None
