# The flash behind /usr and /bak: each partition is a LittleFS of the model's
# size (the config's model.fs) in 4 KiB blocks, and what the app's files take
# is charged against it, so that a full partition raises ENOSPC as LittleFS
# does (LFS_ERR_NOSPC) and the host's disk never fills. Loaded by shim/_fs.py
# the first time the app writes or asks statvfs.
from ._port import port as _p

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
    calls change it."""

    def __init__(self, m):
        self.bs, self.n = _capacity(m)
        self.used = 2 + self._walk("/" + m)

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


def part(m):
    p = _parts.get(m)
    if p is None:
        p = Part(m)
        with _lock:
            p = _parts.setdefault(m, p)
    return p


def _capacity(m):
    from . import _config

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
    old = pt.blocks_of(p) if "w" in mode else 0
    f = _p.fopen(p, mode, *args, **kw)
    if old:
        pt.charge(-old)  # truncated
    try:
        end = 0 if "w" in mode else _o.stat(p)[6]
    except OSError:
        end = 0
    return File(f, pt, end, "a" in mode)


try:
    "".isascii

    def _nbytes(f, s, r):
        # CPython's text write returns characters; ASCII-ness is known without a scan.
        return r if s.isascii() else len(s.encode(getattr(f, "encoding", None) or "utf-8"))
except AttributeError:

    def _nbytes(f, s, r):
        return r  # MicroPython's write returns bytes, for str too


class File(_p.STREAM_BASE):
    """A file open for writing on the board's flash. A write that stays in the
    blocks the file already has costs a few comparisons; one that needs more
    takes them from the partition, or raises ENOSPC before anything is written."""

    def __init__(self, f, pt, end, append):
        self._f = f
        self._w = f.write
        self._pt = pt
        self._end = end  # the file's size
        self._pos = end if append else 0  # where the next write lands; None: ask the file
        self._app = append
        self._n = (end + pt.bs - 1) // pt.bs  # blocks charged for it
        self._room = self._n * pt.bs

    def _take(self, end):
        bs = self._pt.bs
        want = (end + bs - 1) // bs
        if want > self._n:
            self._pt.charge(want - self._n)
            self._n = want
            self._room = want * bs

    def _try(self, end):
        try:
            self._take(end)
        except OSError:
            return False
        return True

    def _at(self):
        self._pos = self._end if self._app else self._f.tell()
        return self._pos

    def write(self, b):
        at = self._pos
        if at is None:
            at = self._at()
        if type(b) is str:
            return self._text(at, b)
        end = at + len(b)
        if end > self._room:
            self._take(end)
        r = self._w(b)
        end = at + r
        self._pos = end
        if end > self._end:
            self._end = end
        return r

    def _text(self, at, s):
        if at + len(s) * 4 > self._room and not self._try(at + len(s) * 4):  # 4: UTF-8's most
            self._take(at + len(s.encode()))  # near full: count exactly
        r = self._w(s)
        end = at + _nbytes(self._f, s, r)
        self._pos = end
        if end > self._end:
            self._end = end
        bs = self._pt.bs
        keep = (self._end + bs - 1) // bs
        if keep < self._n:  # the bound took more than the text needed
            self._pt.charge(keep - self._n)
            self._n = keep
            self._room = keep * bs
        return r

    def read(self, *a):
        self._pos = None
        return self._f.read(*a)

    def readinto(self, *a):
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

    def fileno(self):
        return self._f.fileno()

    def close(self):
        self._f.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._f.close()

    def __iter__(self):
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line
