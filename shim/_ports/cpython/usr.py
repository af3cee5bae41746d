# The board's /usr and /bak on CPython: two folders of the flash dir. Board
# paths are translated to host paths so that open('/usr/x') and
# uos.listdir('/usr') work as on the module (shim/_desktop/fs.py has checked
# them first), host paths never reach the app (its errors carry the errno
# alone), and `sys.path.append('/usr')` imports from the board's /usr. The
# unix port mounts the same folders in MicroPython's VFS instead.
import builtins
import io as _io
import os as _os
import sys

from .sock import oserror

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


@_bare
def fopen(file, *args, **kw):
    f = _open(_host(file), *args, **kw)
    # The app sees its board path as the file's name, not the host's.
    raw = getattr(getattr(f, "buffer", f), "raw", f)
    if isinstance(raw, _io.FileIO) and isinstance(file, str):
        raw.name = file
    return f


frename = _bare(lambda old, new: _os.rename(_host(old), _host(new)))


def mount(path):
    """Make the flash dir's folder `path` the app's /usr and the flash dir's
    bak folder its /bak; returns the checked filesystem (shim/_desktop/fs.py)."""
    global _usr, _bak
    from ..._desktop import fs as _fs

    root, _bak = _fs.layout(path)  # before _usr is set: host paths as given
    _usr = path.rstrip("/")
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

    _fs.install(root)
    return _fs


def _usr_hook(entry):
    # sys.path.append('/usr/') then `import x` (the QuecPython FAQ's way to
    # import the app's own modules by name) means the board's /usr, which
    # here is a folder of the flash, not the host's /usr.
    e = entry.rstrip("/")
    if e != "/usr" and not e.startswith("/usr/"):
        raise ImportError(entry)
    from importlib.machinery import SOURCE_SUFFIXES, FileFinder, SourceFileLoader

    return FileFinder(_usr + e[4:], (SourceFileLoader, SOURCE_SUFFIXES))
