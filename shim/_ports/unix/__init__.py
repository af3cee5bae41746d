# MicroPython unix port. This file is what the board needs to boot (the host's
# config, the app's /usr); the rest of the port (sockets, ptys, power signals,
# ...) is in calls.py and loads on first use, through __getattr__ below: the
# heap an app starts with holds only what boot ran.
import _thread as thread
import time
import os
import sys
import machine  # the builtin one, extended by shim.machine; before install() shadows the name

name = "unix"
stderr = sys.stderr
aliases = {}  # the u-names (usys, ujson, ...) are the interpreter's own
STANDINS = ()  # and answer as QuecPython's (uerrno: Linux's numbers)
LIMITS = {"sockets": None, "thread_stack": 8448}  # the host's own socket limit
NATIVE_STACK = False  # host threads keep the host's stack size
TICKS_30 = False  # 64-bit: ticks wrap at 2**62; the app gets _desktop/ticks30.py's
GPIO_EDGES = None  # the desktop's GPIO bank is simulated (shim/_lib/gpio.py)
# What a driver's socket derives from: an IOBase with ioctl() is pollable.
import io as _io  # noqa: E402

STREAM_BASE = _io.IOBase
# The GC signals every thread to scan its stack, and the interpreter retries
# an interrupted recv/accept/connect with its whole timeout again: under
# allocating threads a timeout never fires. usocket then waits itself, on a
# deadline (shim/_lib/sockcalls.py Waits).
TIMEOUTS_RESTART = True

# The interpreter's own open: the shim reads host files with it (the config,
# ptys, /proc), while the app's open is shim/_desktop/fs.py's once /usr is mounted.
_open = open
open_host = _open
fopen = _open  # a board path is the mounted folder's own path here
_mounts = {}  # "/usr", "/bak" -> host folder
_fs = None  # shim/_desktop/fs.py, the app's checked open, loaded at its first use (port.fs)


def config_text():
    path = os.getenv("QPYSHIM_CONFIG")
    if not path:
        if not os.getenv("QPYSHIM_VBOARD"):
            return None
        path = "/board.json"  # on the virtual board: its flash, as on a real one
    try:
        with _open(path) as f:
            return f.read()
    except OSError:
        if path == "/board.json":
            return None  # deployed without a config: the defaults
        raise


def oserror(n):
    return OSError(n)


def usr_dir():
    return os.getenv("QPYSHIM_USR")


def mount_usr(path):
    # /usr and /bak as on the module (customer_fs, customer_backup_fs): two
    # folders of the flash dir mounted in MicroPython's VFS. The flash dir is
    # QPYSHIM_FLASH, else usr's parent (as shim/_desktop/fs.py's layout()).
    flash = os.getenv("QPYSHIM_FLASH") or path.rstrip("/").rsplit("/", 1)[0]
    bak = flash + "/bak"
    try:
        os.mkdir(bak)
    except OSError:
        pass  # there already
    os.mount(os.VfsPosix(path), "/usr")
    os.mount(os.VfsPosix(bak), "/bak")
    _mounts["/usr"], _mounts["/bak"] = path.rstrip("/"), bak
    os.chdir("/")  # QuecPython starts in / with "" on sys.path: import usr.x works
    if "" not in sys.path:
        sys.path.insert(0, "")
    import builtins

    builtins.open = _app_open


def _app_open(*a, **kw):
    # The app's open() until its first call, which loads the checked one
    # (shim/_desktop/fs.py) and hands it the builtin for good.
    return (_fs or __getattr__("fs")).open(*a, **kw)


def expose(path):
    sys.path.insert(0, path)  # firmware modules win over the app's files, as on the module


def __getattr__(n):
    # The rest of the port, on first use, loaded once whichever thread asks
    # first (shim/_lib/later.py); not copied into this module's globals,
    # which every thread reads and which must not grow under them.
    if n[:2] == "__" or n == "calls" or n[:1].isupper():
        raise AttributeError(n)  # every constant is here: one absent is the port's answer (ERRNO)
    from ..._lib import later

    if n == "fs":  # shim/_desktop/fs.py once the board's filesystem is mounted
        return later.under(_load_fs)
    return getattr(later.part("_ports.unix.calls"), n)


def _load_fs():
    global _fs
    if _fs is None and _mounts:
        from ..._desktop import fs as v

        v.install(None)
        _fs = v
    return _fs
