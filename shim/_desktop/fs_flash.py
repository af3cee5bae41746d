# The flash behind /usr and /bak: each partition is a LittleFS of the model's
# size (the config's model.fs) in 4 KiB blocks, and what the app's files take
# is charged against it, so that a full partition raises ENOSPC as LittleFS
# does (LFS_ERR_NOSPC) and the host's disk never fills. Loaded by shim/_desktop/fs.py
# the first time the app writes or asks statvfs.
from .._ports import port as _p

_o = _p.os
_lock = _p.thread.allocate_lock()
_parts = {}  # "usr"/"bak" -> Part
# Without a model.fs entry in the config: the sizes of the images QPYcom's mklfs
# makes by default (QuecPython docs sbs/en/QuecPythonSys/filesystem.md:
# customer_fs.bin 5 MB, customer_backup_fs.bin 200 KB).
_DEFAULT = {"block_size": 4096, "blocks": 1280, "bak_blocks": 50}


class Part:
    """One partition: block size, blocks, blocks in use. What is in use is
    counted once from the folder (each file its size in whole blocks, each
    folder and the root a metadata pair of two), then kept up as the app's
    calls change it. A file open for writing has one record here, shared by
    every handle on it: [blocks charged, room (those blocks in bytes), size,
    handles, board path (None once removed)]. Charges are the path's, so two
    handles on one file, or a file removed while open, never count twice."""

    def __init__(self, m):
        self.bs, self.n = _capacity(m)
        self.used = 2 + self._walk("/" + m)
        self.files = {}  # board path -> record, while a handle has it open for writing

    def _walk(self, p):
        used = 0
        for e in _o.ilistdir(p):
            q = p + "/" + e[0]
            if e[1] == 0x4000:
                used += 2 + self._walk(q)
            else:
                used += (_o.stat(q)[6] + self.bs - 1) // self.bs
        return used

    def charge(self, k):
        with _lock:
            if k > 0 and self.used + k > self.n:
                raise _p.oserror(28)  # ENOSPC
            self.used += k

    def blocks_of(self, p):
        try:
            s = _o.stat(p)
        except OSError:
            return 0
        return 2 if s[0] & 0x4000 else (s[6] + self.bs - 1) // self.bs

    def statvfs(self):
        free = self.n - self.used if self.n > self.used else 0
        return (self.bs, self.bs, self.n, free, free, 0, 0, 0, 0, 255)  # 255: LFS_NAME_MAX

    def grow(self, r, end):
        """Blocks for a file of `end` bytes, or ENOSPC before any is written."""
        want = (end + self.bs - 1) // self.bs
        with _lock:
            k = want - r[0]
            if k > 0:
                if self.used + k > self.n:
                    raise _p.oserror(28)  # ENOSPC, LittleFS's LFS_ERR_NOSPC
                self.used += k
                r[0] = want
                r[1] = want * self.bs

    def resize(self, r, size):
        """The file is now `size` bytes (a truncate, or a text write's bound
        given back)."""
        want = (size + self.bs - 1) // self.bs
        with _lock:
            r[2] = size
            self.used += want - r[0]
            r[0] = want
            r[1] = want * self.bs

    def trim(self, r):
        if r[0] * self.bs - r[2] >= self.bs:
            self.resize(r, r[2])

    def release(self, r):
        """A handle on r closed: at the last, the file's charge is settled on
        what the host file really takes (an open file keeps its blocks, in
        LittleFS as here, until its last handle closes)."""
        with _lock:
            r[3] -= 1
            if r[3] > 0:
                return
            p = r[4]
            if p is None:
                self.used -= r[0]  # removed while open: its blocks come back now
                return
            if self.files.get(p) is r:
                del self.files[p]
            self.used += self.blocks_of(p) - r[0]

    def drop(self, p, native):
        """remove/rmdir p: its blocks come back, an open file's at its close."""
        with _lock:
            r = self.files.get(p)
            n = 0 if r else self.blocks_of(p)
            native(p)
            if r:
                del self.files[p]
                r[4] = None
            self.used -= n

    def move(self, p, p2, native):
        """rename p to p2: a file renamed over frees its blocks; open files
        under p follow it."""
        with _lock:
            t = self.files.get(p2) if p2 != p else None
            n = 0 if t or p2 == p else self.blocks_of(p2)
            native(p, p2)
            if t:
                del self.files[p2]
                t[4] = None
            self.used -= n
            if self.files:
                pre = p + "/"
                for q in [q for q in self.files if q == p or q.startswith(pre)]:
                    r = self.files.pop(q)
                    r[4] = p2 + q[len(p):]
                    self.files[r[4]] = r


def part(m):
    p = _parts.get(m)
    if p is None:
        p = Part(m)
        with _lock:
            p = _parts.setdefault(m, p)
    return p


def _capacity(m):
    from .._lib import config as _config

    c = _config.section("model").get("fs")
    c = c if isinstance(c, dict) else {}
    out = []
    for key in ("block_size", "blocks" if m == "usr" else "bak_blocks"):
        v = c.get(key, _DEFAULT[key])
        if not isinstance(v, int) or isinstance(v, bool) or v <= 0:
            _config.log("model.fs.%s must be a positive integer, not %r; using %d" % (key, v, _DEFAULT[key]))
            v = _DEFAULT[key]
        out.append(v)
    return out


def open_write(pt, p, mode, args, kw):
    x = "x" in mode  # LittleFS's O_EXCL (MicroPython extmod/vfs_lfsx_file.c); VfsPosix ignores it
    with _lock:
        r = pt.files.get(p)
        if r is None:
            try:
                size = _o.stat(p)[6]
            except OSError:
                size = -1
        if x and (r is not None or size >= 0):
            raise _p.oserror(17)  # EEXIST
        f = _p.fopen(p, mode.replace("x", "w") if x else mode, *args, **kw)
        if r is None:
            size = size if size > 0 else 0
            n = (size + pt.bs - 1) // pt.bs
            r = pt.files[p] = [n, n * pt.bs, size, 0, p]
        if x or "w" in mode:
            pt.used -= r[0]  # truncated, for every handle on it
            r[0] = r[1] = r[2] = 0
        r[3] += 1
    return (_Append if "a" in mode else File)(f, pt, r)


try:
    "".isascii

    def _nbytes(f, s, r):
        # CPython's text write returns characters; ASCII-ness is known without a scan.
        return r if s.isascii() else len(s.encode(getattr(f, "encoding", None) or "utf-8"))
except AttributeError:

    def _nbytes(f, s, r):
        return r  # MicroPython's write returns bytes, for str too


_SHUT = [0, 1 << 60, 0, 0, None]  # a closed handle's record: writes reach the closed file, which refuses them
_HIDE = ("buffer", "raw", "detach")  # CPython's ways of writing round write()


class File(_p.STREAM_BASE):
    """A file open for writing on the board's flash. A write that stays in the
    blocks the file already has costs a few comparisons; one that needs more
    takes them from the partition, or raises ENOSPC before anything is
    written. What the wrapper lacks is the file's own (name, closed, ...)."""

    def __init__(self, f, pt, r):
        self._f = f
        self._w = f.write
        self._pt = pt
        self._r = r  # the path's record in pt
        self._pos = 0  # where the next write lands; None: ask the file

    def __getattr__(self, k):
        # Only what the class lacks comes here: no cost on write().
        if k[:1] == "_" or k in _HIDE:
            raise AttributeError(k)
        v = getattr(self._f, k)  # AttributeError where the interpreter's file has none
        if k == "truncate":
            return self._truncate
        if k == "writelines":
            return self._writelines
        if k == "readinto":
            return self._readinto
        return v

    def _try(self, end):
        try:
            self._pt.grow(self._r, end)
        except OSError:
            return False
        return True

    def write(self, b):
        at = self._pos
        if at is None:
            at = self._f.tell()
        r = self._r
        if type(b) is str:
            return self._text(at, b)
        end = at + len(b)
        if end > r[1]:
            self._pt.grow(r, end)
        n = self._w(b)
        end = at + n
        self._pos = end
        if end > r[2]:
            r[2] = end
        return n

    def _text(self, at, s):
        r = self._r
        big = at + len(s) * 4 > r[1]  # 4: UTF-8's most
        if big and not self._try(at + len(s) * 4):
            self._pt.grow(r, at + len(s.encode()))  # near full: count exactly
        n = self._w(s)
        end = at + _nbytes(self._f, s, n)
        self._pos = end
        if end > r[2]:
            r[2] = end
        if big:
            self._pt.trim(r)  # the bound took more than the text needed
        return n

    def _writelines(self, lines):
        for s in lines:
            self.write(s)

    def _truncate(self, *a):
        size = a[0] if a and a[0] is not None else None
        if size is not None and size > self._r[1]:
            self._pt.grow(self._r, size)
        n = self._f.truncate(*a)
        self._pt.resize(self._r, n)
        return n

    def read(self, *a):
        self._pos = None
        return self._f.read(*a)

    def _readinto(self, *a):
        self._pos = None
        return self._f.readinto(*a)

    def readline(self, *a):
        self._pos = None
        return self._f.readline(*a)

    def readlines(self, *a):
        self._pos = None
        return self._f.readlines(*a)

    def seek(self, *a):
        self._pos = None
        return self._f.seek(*a)

    def tell(self):
        return self._f.tell()

    def flush(self):
        return self._f.flush()

    def close(self):
        self._f.close()
        with _lock:
            r, self._r = self._r, _SHUT
        if r is not _SHUT:
            self._pt.release(r)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __iter__(self):
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line


class _Append(File):
    """Opened with "a": every write lands at the file's end, wherever any
    handle left it (O_APPEND)."""

    def write(self, b):
        r = self._r
        at = r[2]
        if type(b) is str:
            return self._text(at, b)
        end = at + len(b)
        if end > r[1]:
            self._pt.grow(r, end)
        n = self._w(b)
        end = at + n
        if end > r[2]:
            r[2] = end
        return n
