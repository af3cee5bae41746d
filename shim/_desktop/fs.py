# The board's filesystem as the app sees it. On the module / holds nothing but
# two LittleFS mount points: /usr (customer_fs, the app's) and /bak
# (customer_backup_fs), mounted by the firmware's _boot.py
# (QuecPython/microPython ports/quectel/core/_boot.py). A path under neither
# is not there: ENOENT, as the newer firmware (customer_fs at /, its
# modules/_boot.py) answers it (MicroPython's VFS over two bare mounts would
# say ENODEV, which no app checks for); an operation on / itself is EPERM
# (EEXIST for mkdir), and / lists the mount points.
# Here each mount point is a folder of the flash dir: the app's uos calls and
# open() are checked against that layout before they reach the host, and
# writes go through shim/_desktop/fs_flash.py, which charges them against the
# model's flash. Files opened for reading are the interpreter's own.
import builtins
from .._ports import port as _p

_o = _p.os
_lock = _p.thread.allocate_lock()
_mounts = ["usr", "bak"]  # the order MicroPython's VFS lists its mount table in
_FLASH = ("usr", "bak")  # the partitions with a size to charge against
_DIR = 0x4000
_PATH_MAX = 512  # py/mpconfig.h MICROPY_ALLOC_PATH_MAX: what statvfs('/') reports


def _err(n):
    return _p.oserror(n)


def install(flash):
    """Make the app's open() the checked one; the shim opens host files with
    the port's open_host."""
    builtins.open = open


def layout(usr):
    """(flash dir, bak folder) of a board whose /usr is the host folder `usr`:
    the flash dir is QPYSHIM_FLASH, else usr's parent; the bak folder (the
    board's /bak) is made there if missing. Both ports mount from this."""
    flash = _o.getenv("QPYSHIM_FLASH") or usr.rstrip("/").rsplit("/", 1)[0]
    bak = flash + "/bak"
    try:
        _o.mkdir(bak)
    except OSError:
        pass  # there already
    return flash, bak


def _where(path, strict=True):
    """(mount, board path) of an app's path: mount '' is the root itself; a
    path under no mount raises ENOENT (None without strict). As in LittleFS,
    '..' never leaves the mount it starts in."""
    if not isinstance(path, str):
        if isinstance(path, (bytes, bytearray)):
            path = path.decode()
        elif hasattr(path, "__fspath__"):
            path = path.__fspath__()
        else:
            raise TypeError("can't convert %s to str" % type(path).__name__)  # as MicroPython's open
    if "\x00" in path:
        raise ValueError("embedded null byte")  # C would cut the name short there
    if path[:1] != "/":
        cwd = _o.getcwd()
        path = (cwd if cwd != "/" else "") + "/" + path
    i = path.find("/", 1)
    head, rest = (path[1:], "") if i < 0 else (path[1:i], path[i:])
    if not head and not rest.strip("/"):
        return "", "/"
    if head not in _mounts:
        if strict:
            raise _err(2)  # ENOENT: not on the board's flash
        return None, path
    if "/." not in rest and "//" not in rest and rest[-1:] != "/":
        return head, path
    parts = []
    for p in rest.split("/"):
        if p == "..":
            if parts:
                parts.pop()
        elif p and p != ".":
            parts.append(p)
    return head, "/" + head + "".join("/" + p for p in parts)


def _top(m, p):
    return len(p) == len(m) + 1  # the mount point itself, LittleFS's own root


def _part(m):
    if m not in _FLASH:
        return None  # a volume the app mounted itself
    from . import fs_flash as _fs_flash

    return _fs_flash.part(m)


def listdir(dir="/"):
    m, p = _where(dir)
    return list(_mounts) if not m else _o.listdir(p)


def ilistdir(dir=""):
    m, p = _where(dir)
    if not m:
        return iter([(n, _DIR, 0) for n in _mounts])
    return _o.ilistdir(p)


def stat(path):
    # LittleFS's stat has no inode, owner or folder size (MicroPython extmod/vfs_lfsx.c).
    m, p = _where(path)
    if not m:
        return (_DIR, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    s = _o.stat(p)
    t = s[8]
    if s[0] & _DIR:
        return (_DIR, 0, 0, 0, 0, 0, 0, t, t, t)
    return (0x8000, 0, 0, 0, 0, 0, s[6], t, t, t)


def statvfs(path):
    m, p = _where(path)
    if not m:
        return (0, 0, 0, 0, 0, 0, 0, 0, 0, _PATH_MAX)
    pt = _part(m)
    return pt.statvfs() if pt else _o.statvfs(p)


def mkdir(path):
    m, p = _where(path)
    if not m or _top(m, p):
        raise _err(17)  # EEXIST, as MicroPython's VFS says for / and a mount point
    pt = _part(m)
    if pt:
        pt.charge(2)  # a folder is a metadata pair
    try:
        _o.mkdir(p)
    except BaseException:
        if pt:
            pt.charge(-2)
        raise


def _drop(path, native):
    m, p = _where(path)
    if not m:
        raise _err(1)  # EPERM: the root is the VFS's, not a filesystem's
    if _top(m, p):
        raise _err(22)  # EINVAL: LittleFS won't remove its own root
    pt = _part(m)
    if pt:
        pt.drop(p, native)
    else:
        native(p)


def rmdir(path):
    _drop(path, _o.rmdir)


def remove(path):
    _drop(path, _o.remove)


unlink = remove


def rename(old_path, new_path):
    m, p = _where(old_path, False)
    m2, p2 = _where(new_path, False)
    if m != m2:
        raise _err(1)  # EPERM: MicroPython's VFS renames within one filesystem only
    if m is None:
        raise _err(2)
    if not m:
        raise _err(1)
    if _top(m, p) or _top(m, p2):
        raise _err(22)
    pt = _part(m)
    if pt:
        pt.move(p, p2, _p.frename)
    else:
        _p.frename(p, p2)


def chdir(path):
    _o.chdir(_where(path)[1])


def getcwd():
    return _o.getcwd()


def mount(vfs, mount_point, *args, **kw):
    _o.mount(vfs, mount_point, *args, **kw)
    name = mount_point.strip("/")
    with _lock:
        if name and name not in _mounts:
            _mounts.append(name)


def umount(mount_point):
    _o.umount(mount_point)
    name = mount_point.strip("/") if isinstance(mount_point, str) else None
    with _lock:
        if name in _mounts and name not in _FLASH:
            _mounts.remove(name)


def open(file, mode="r", *args, **kw):
    """The app's open(): board paths only; what is opened for writing on
    /usr and /bak is charged against the flash."""
    m, p = _where(file)
    if not m:
        raise _err(1)  # EPERM: / is no file
    if m not in _FLASH or not ("w" in mode or "a" in mode or "+" in mode or "x" in mode):
        return _p.fopen(p, mode, *args, **kw)
    from . import fs_flash as _fs_flash

    return _fs_flash.open_write(_fs_flash.part(m), p, mode, args, kw)
