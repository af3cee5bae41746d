# QuecPython uos: the interpreter's os functions; on the desktop board they
# see the module's filesystem (/usr and /bak, shim/_desktop/fs.py), not the host's.
from ._ports import port as _p

_o = _p.os
sep = "/"
getenv = _o.getenv


def urandom(n):
    # The interpreter allocates n bytes up front: past the module's heap that
    # is MemoryError there and a stall of seconds on the host.
    if not 0 <= n <= 65536:
        raise ValueError("urandom size must be 0-65536 bytes")
    return _o.urandom(n)


_fs = getattr(_p, "fs", None)
if _fs:
    from ._desktop.fs import (stat, statvfs, mkdir, rmdir, remove, unlink, rename, chdir,  # noqa: F401
                      getcwd, mount, umount, listdir, ilistdir)
else:  # a board whose own root is the flash (ESP32)
    stat = _o.stat
    statvfs = _o.statvfs
    mkdir = _o.mkdir
    rmdir = _o.rmdir
    remove = _o.remove
    unlink = _o.unlink
    rename = _o.rename
    chdir = _o.chdir
    getcwd = _o.getcwd
    mount = _o.mount

    # QuecPython's listdir() lists the root, not the current folder.
    def listdir(dir="/"):
        return _o.listdir(dir)

    def ilistdir(dir=""):
        return _o.ilistdir(dir or getcwd())


def _model():
    from ._lib import config as _config

    m = _config.section("model")
    name = m.get("name", "EC600U-CNLB")
    return name, m.get("nodename") or name.split("-")[0], m.get("qpyver", "V0001")


def uname():
    """QuecPython's uname: a tuple of 'key=value' strings, read as
    uname()[0].split('=')[1]."""
    return tuple("%s=%s" % kv for kv in zip(_FIELDS, _values()))


def uname2():
    """The upstream-style named tuple of the same values."""
    from ucollections import namedtuple

    return namedtuple("uname_result", _FIELDS)(*_values())


_FIELDS = ("sysname", "nodename", "release", "version", "machine", "qpyver")


def _values():
    import sys

    name, node, qpyver = _model()
    v = sys.implementation.version
    release = "%d.%d.%d" % (v[0], v[1], v[2])
    return (name, node, release, "v%s on qpyshim" % release, "%s with QUECTEL" % node, qpyver)
