# CPython, for debugging apps with a full Python. The host's socket objects are
# adapted to MicroPython's semantics (OSError(errno) with the errno's name,
# str accepted as data, stream methods), so the shim above sees one behaviour.
import builtins
import errno as _errno
import io as _io
import os as _os
import socket as _s
import sys
import threading  # noqa: F401  bind threading to the real _thread before install
import _thread as thread

name = "cpython"
stderr = sys.stderr


def oserror(n):
    return OSError(n, _errno.errorcode.get(n, str(n)))


def _translate(e):
    if isinstance(e, _s.timeout):
        return oserror(110)
    if isinstance(e, _s.gaierror):
        return oserror(-202)
    if isinstance(e, OSError) and e.errno is not None:
        return oserror(e.errno)
    return e


def _buf(data):
    return data.encode() if isinstance(data, str) else data


class socket:
    """A host socket that behaves like MicroPython's native socket."""

    def __init__(self, af=2, type=1, proto=0, _k=None):
        self._k = _k if _k is not None else _s.socket(af, type, proto)

    def _do(self, fn, *args):
        try:
            return fn(*args)
        except OSError as e:
            raise _translate(e) from None

    def bind(self, a):
        self._do(self._k.bind, a)

    def listen(self, n=0):
        self._do(self._k.listen, n)

    def accept(self):
        k, a = self._do(self._k.accept)
        return socket(_k=k), a

    def connect(self, a):
        self._do(self._k.connect, a)

    def send(self, data):
        return self._do(self._k.send, _buf(data))

    def sendall(self, data):
        self._do(self._k.sendall, _buf(data))

    def sendto(self, data, a):
        return self._do(self._k.sendto, _buf(data), a)

    def recv(self, n, flags=0):
        return self._do(self._k.recv, n, flags)

    def recvfrom(self, n):
        return self._do(self._k.recvfrom, n)

    def write(self, data):
        data = _buf(data)
        self._do(self._k.sendall, data)
        return len(data)

    def read(self, n=None):
        # MicroPython's stream read waits for n bytes (or the end), unlike recv.
        if n is not None and n < 0:
            n = None  # read(-1) reads to the end, as MicroPython's stream read
        out = bytearray()
        while n is None or len(out) < n:
            d = self._do(self._k.recv, 4096 if n is None else n - len(out))
            if not d:
                break
            out += d
        return bytes(out)

    def readinto(self, buf, n=None):
        view = memoryview(buf)[: n if n is not None and 0 <= n < len(buf) else len(buf)]
        got = 0
        while got < len(view):
            k = self._do(self._k.recv_into, view[got:])
            if not k:
                break
            got += k
        return got

    def readline(self):
        out = bytearray()
        while not out.endswith(b"\n"):
            d = self._do(self._k.recv, 1)
            if not d:
                break
            out += d
        return bytes(out)

    def setsockopt(self, level, opt, value):
        self._do(self._k.setsockopt, level, opt, value)

    def settimeout(self, t):
        self._k.settimeout(t)

    def setblocking(self, flag):
        self._k.setblocking(flag)

    def fileno(self):
        return self._k.fileno()

    def close(self):
        self._k.close()


def pack(ip, port):
    return (ip, port, 0, 0) if ":" in ip else (ip, port)


def unpack(addr):
    return addr[0], addr[1]


def inet_pton(af, ip):
    try:
        return _s.inet_pton(af, ip)
    except (OSError, ValueError, TypeError):
        raise oserror(22) from None


def setsockopt_reuseaddr(sock, on):
    sock.setsockopt(_s.SOL_SOCKET, _s.SO_REUSEADDR, on)


def setsockopt_keepalive(sock, minutes):
    sock.setsockopt(_s.SOL_SOCKET, _s.SO_KEEPALIVE, 1 if minutes else 0)
    if minutes:
        sock.setsockopt(_s.IPPROTO_TCP, _s.TCP_KEEPIDLE, minutes * 60)
        sock.setsockopt(_s.IPPROTO_TCP, _s.TCP_KEEPINTVL, 25)
        sock.setsockopt(_s.IPPROTO_TCP, _s.TCP_KEEPCNT, 3)


from .streams import time  # noqa: E402  MicroPython's time API over CPython's clocks


# The board's /usr and /bak are folders of the flash dir; board paths are
# translated so that open('/usr/x') and uos.listdir('/usr') work as on the
# module (shim/_fs.py has checked them first).
_usr = None
_bak = None


def _host(path):
    if _usr and isinstance(path, str) and path[:1] == "/":
        if path[:4] == "/usr" and path[4:5] in ("", "/"):
            return _usr + path[4:]
        if path[:4] == "/bak" and path[4:5] in ("", "/"):
            return _bak + path[4:]
        if path == "/":
            return _os.path.dirname(_usr)  # the board's root: where the process starts
    return path


def _bare(fn):
    # CPython's OSError names the host path ("... '/tmp/qpyshim-flash-x/usr/a'");
    # MicroPython's carries the errno alone, and the app must not learn where
    # its flash lives. The wrapper keeps fn's signature (the stub check reads it).
    import functools

    @functools.wraps(fn)
    def call(*a, **kw):
        try:
            return fn(*a, **kw)
        except OSError as e:
            if e.errno is None:
                raise
            raise oserror(e.errno) from None
    return call


def _scan(path):
    return [(e.name, 0x4000 if e.is_dir() else 0x8000, e.inode(), e.stat().st_size)
            for e in _os.scandir(_host(path))]


def _statvfs(path):
    v = _os.statvfs(_host(path))
    return (v.f_bsize, v.f_frsize, v.f_blocks, v.f_bfree, v.f_bavail,
            v.f_files, v.f_ffree, v.f_favail, v.f_flag, v.f_namemax)


class os:
    """The MicroPython `os` API, with /usr mapped to the app's folder."""

    sep = "/"
    listdir = staticmethod(_bare(lambda path=".": _os.listdir(_host(path))))
    ilistdir = staticmethod(_bare(lambda path=".": iter(_scan(path))))
    stat = staticmethod(_bare(lambda path: tuple(_os.stat(_host(path)))))
    statvfs = staticmethod(_bare(_statvfs))
    mkdir = staticmethod(_bare(lambda path: _os.mkdir(_host(path))))
    rmdir = staticmethod(_bare(lambda path: _os.rmdir(_host(path))))
    remove = staticmethod(_bare(lambda path: _os.remove(_host(path))))
    unlink = remove
    rename = staticmethod(_bare(lambda old_path, new_path: _os.rename(_host(old_path), _host(new_path))))
    chdir = staticmethod(_bare(lambda path: _os.chdir(_host(path))))

    @staticmethod
    def mount(vfs_obj, path):
        raise OSError(19, "ENODEV")  # CPython has no VFS objects to mount
    @staticmethod
    def getcwd():
        # The board's root is the folder that holds /usr.
        cwd, root = _os.getcwd(), _os.path.dirname(_usr) if _usr else None
        if root and (cwd == root or cwd.startswith(root + "/")):
            return cwd[len(root):] or "/"
        return cwd
    getenv = staticmethod(_os.getenv)
    urandom = staticmethod(lambda n: _os.urandom(n))


_open = builtins.open
open_host = _open
fs = None  # shim/_fs.py once the board's filesystem is mounted


@_bare
def fopen(file, *args, **kw):
    f = _open(_host(file), *args, **kw)
    # The app sees its board path as the file's name, not the host's.
    raw = getattr(getattr(f, "buffer", f), "raw", f)
    if isinstance(raw, _io.FileIO) and isinstance(file, str):
        raw.name = file
    return f


frename = _bare(lambda old, new: _os.rename(_host(old), _host(new)))


def config_text():
    path = _os.getenv("QPYSHIM_CONFIG")
    if not path:
        return None
    with _open(path) as f:
        return f.read()


def usr_dir():
    return _os.getenv("QPYSHIM_USR")


def mount_usr(path):
    global _usr, _bak, fs
    _usr = path.rstrip("/")
    root = _os.getenv("QPYSHIM_FLASH") or _os.path.dirname(_usr)
    _bak = _os.path.join(root, "bak")
    _os.makedirs(_bak, exist_ok=True)
    if root not in sys.path:
        sys.path.insert(0, root)  # `import usr.x` finds <root>/usr/x.py
    if "" not in sys.path:
        sys.path.append("")  # the module's sys.path is [''] with / current
    sys.path_hooks.insert(0, _usr_hook)
    sys.path_importer_cache.clear()
    _os.chdir(root)
    # Tracebacks read source through tokenize, which keeps the open it finds
    # at import: the host's, for the stdlib's and the shim's frames.
    import linecache  # noqa: F401
    import tokenize  # noqa: F401

    from ..._desktop import fs as _fs

    _fs.install(root)
    fs = _fs


def _usr_hook(entry):
    # sys.path.append('/usr/') then `import x` (the QuecPython FAQ's way to
    # import the app's own modules by name) means the board's /usr, which
    # here is a folder of the flash, not the host's /usr.
    e = entry.rstrip("/")
    if e != "/usr" and not e.startswith("/usr/"):
        raise ImportError(entry)
    from importlib.machinery import SOURCE_SUFFIXES, FileFinder, SourceFileLoader

    return FileFinder(_usr + e[4:], (SourceFileLoader, SOURCE_SUFFIXES))


def _aliases():
    import gc, hashlib, io, json, random, re, select, zlib
    from . import streams as mp

    # MicroPython's sys and gc carry these; apps call them (an app's
    # `except Exception as e: usys.print_exception(e)` must not crash). Added
    # to the host's own modules, so `import sys`/`import gc` find them too.
    if not hasattr(sys, "print_exception"):
        sys.print_exception = mp.print_exception
    for n in ("mem_alloc", "mem_free", "threshold"):
        if not hasattr(gc, n):
            setattr(gc, n, getattr(mp, n))
    return {
        "usys": sys, "ujson": json, "ustruct": mp.ustruct, "ubinascii": mp.ubinascii,
        "ucollections": mp.ucollections, "uhashlib": hashlib, "uio": io, "ure": re,
        "urandom": random, "uzlib": zlib, "uselect": select, "uerrno": _errno,
    }


aliases = _aliases()


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


def tcp_state(sock):
    import select

    k = sock._k
    if type(k).__name__ == "SSLSocket":
        return 4 if k.fileno() >= 0 else 0  # TLS can't be peeked without taking a record
    try:
        if not select.select([k], [], [], 0)[0]:
            return 4
        if k.recv(1, _s.MSG_PEEK | _s.MSG_DONTWAIT) != b"":
            return 4
    except BlockingIOError:
        return 4
    except OSError:
        return 0
    try:
        k.send(b"")  # after a FIN we may still send; after a reset we may not
        return 7
    except OSError:
        return 0


machine = None  # CPython has no machine module; shim.machine stands alone

def abort(sock):
    # Wakes a thread blocked in recv or send on it, which close() won't.
    try:
        sock._k.shutdown(_s.SHUT_RDWR)
    except OSError:
        pass


def fd_count():
    return len(_os.listdir("/proc/self/fd"))


LIMITS = {"sockets": None, "thread_stack": 8448}  # the host's own socket limit
NATIVE_STACK = False  # host threads keep the host's stack size
NATIVE_STREAMS = True  # the adapter above raises OSError(110) on a timeout
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


def expose(path, names):
    sys.path.insert(0, path)  # firmware modules win over the app's files, as on the module
    for n in names:
        m = sys.modules.get(n)
        if m is not None and not (getattr(m, "__file__", "") or "").startswith(path):
            del sys.modules[n]  # the host's own (CPython's queue): the app gets QuecPython's


from .streams import waker, serial, tls  # noqa: E402,F401  timed waits, serial lines, TLS


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
    return None  # the desktop's GPIO bank is simulated (shim/_gpio.py)


GPIO_EDGES = None


def readable(s, ms):
    """Whether a read on native socket (or TLS socket) s would find data
    within ms; the socket's blocking mode is left alone."""
    import select

    k = getattr(s, "_k", None) or getattr(s, "_s", None) or s
    if hasattr(k, "pending") and k.pending():
        return True  # TLS: a record already decrypted
    return bool(select.select([k], [], [], ms / 1000)[0])


def nv_path():
    # The board's non-volatile store sits at the root of its flash, beside /usr.
    root = _os.getenv("QPYSHIM_FLASH")
    return root + "/nvram.json" if root else None
