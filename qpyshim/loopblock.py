"""Loopback address blocks: one /24 of 127.0.0.0/8 per running board, so
boards side by side never share an address (Linux routes all of 127/8 to
the loopback interface; nothing needs setting up).

Block k (1 <= k <= 65535) is 127.(k // 256).(k % 256).0/24. Block 0,
127.0.0.0/24, is the host's (its stand-in servers, the tests' own servers)
and is never handed out.

A claim is an `fcntl.flock` on the block's own file in a per-user folder:
flock belongs to the open file, so the kernel drops it when the holder
closes it or dies, however it dies, and two claims in one process exclude
each other as two processes' do. The folder is fixed (not $TMPDIR): a
runner and the test that started it may see different temporary folders
(the test harness puts runs on /dev/shm), and they must see the same locks.

    with loopblock.claim() as b:
        b.ip(1)   # "127.0.1.1" for block 1
"""

import errno
import fcntl
import itertools
import os
import socket
import sys
import tempfile

LAST = 65535  # 127.255.255.0/24
# Free blocks are handed out in turn from where the last claim left off,
# over the first CYCLE blocks: a block just released still has its
# connections' TIME_WAIT entries for a minute, and a fixed port (80 remapped
# to 8080) could not be bound there again until they are gone.
CYCLE = 4096


class BlockError(RuntimeError):
    """No block could be had, or its addresses cannot be used here."""


def folder():
    """Where the lock files live: $QPYSHIM_BLOCK_DIR, else a per-user folder
    in /tmp (the same for every process of the user), else the temp dir."""
    d = os.environ.get("QPYSHIM_BLOCK_DIR")
    if not d:
        base = "/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir()
        d = os.path.join(base, f"qpyshim-blocks-{os.getuid()}")
    os.makedirs(d, mode=0o700, exist_ok=True)
    return d


def prefix(index):
    """The block's first three octets with a dot: "127.B.C."."""
    return f"127.{index >> 8}.{index & 255}."


class Block:
    """A claimed block: index, ip(n), release(); a context manager."""

    def __init__(self, index, fd):
        self.index = index
        self._fd = fd

    def ip(self, n):
        if not 0 <= n <= 255:
            raise ValueError(f"host number {n} is not in 0..255")
        return prefix(self.index) + str(n)

    @property
    def network(self):
        return prefix(self.index) + "0/24"

    @property
    def held(self):
        return self._fd is not None

    def release(self):
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)  # the flock goes with the file

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.release()

    def __del__(self):
        self.release()

    def __repr__(self):
        return f"<Block {self.index} {self.network}{'' if self.held else ' released'}>"


HOST = Block(0, None)  # 127.0.0.0/24, the host's: what a run with --block 0 uses, never claimed


def _try(d, k):
    fd = os.open(os.path.join(d, f"{k}.lock"), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as e:
        os.close(fd)
        if e.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return None
        raise
    return fd


def claim(index=None, check=True):
    """A block held until release() (or this process's end): block `index`
    (BlockError if another holds it), else the next free one in turn. `check`
    binds the block's .1 once, so a host that routes only 127.0.0.1 to
    loopback (macOS) fails here with what to do, not at the app's bind."""
    d = folder()
    if index is not None:
        index = int(index)
        if not 1 <= index <= LAST:
            raise BlockError(f"block {index}: blocks are 1..{LAST} (block 0, 127.0.0.0/24, is the host's)")
        fd = _try(d, index)
        if fd is None:
            raise BlockError(f"block {index} ({prefix(index)}0/24) is held by another running board")
        found = Block(index, fd)
    else:
        found = _next_free(d)
    if check:
        try:
            usable(found.ip(1))
        except BlockError:
            found.release()
            raise
    return found


def _next_free(d):
    cur = os.open(os.path.join(d, "cursor"), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(cur, fcntl.LOCK_EX)  # held only while one claim looks: a moment
        try:
            last = int(os.pread(cur, 16, 0) or b"0")
        except ValueError:
            last = 0
        order = itertools.chain((1 + (last + i) % CYCLE for i in range(CYCLE)), range(CYCLE + 1, LAST + 1))
        for k in order:
            fd = _try(d, k)
            if fd is not None:
                os.ftruncate(cur, 0)
                os.pwrite(cur, str(k).encode(), 0)
                return Block(k, fd)
    finally:
        os.close(cur)
    raise BlockError(f"all {LAST} loopback blocks are held")


def usable(*ips):
    """BlockError, saying what to do, if this host cannot bind one of `ips`."""
    bad = []
    for ip in ips:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind((ip, 0))
        except OSError as e:
            if e.errno != errno.EADDRNOTAVAIL:
                raise
            bad.append(ip)
        finally:
            s.close()
    if bad:
        raise BlockError(unrouted(*bad))


def unrouted(*ips):
    how = ("; ".join(f"sudo ifconfig lo0 alias {ip} up" for ip in ips) if sys.platform == "darwin"
           else "; ".join(f"sudo ip addr add {ip}/8 dev lo" for ip in ips))
    return (f"this host cannot bind {', '.join(ips)}: only part of 127.0.0.0/8 reaches the loopback "
            f"interface here (macOS routes 127.0.0.1 alone). Add the addresses (`{how}`), or run "
            f"one board at a time on the host's own addresses with `--block 0` "
            f"(QPYSHIM_BLOCK=0)")
