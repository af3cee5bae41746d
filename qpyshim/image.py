"""`qpyshim image`: a LittleFS v2 image of a board's filesystem, ready to be
written at the board's vfs partition offset."""

import sys
from pathlib import Path

from littlefs import LittleFS, LittleFSError

from . import boardfiles, netconfig

MIN_BLOCKS = 8  # littlefs needs a few blocks for its own metadata


def build(cfg, app, size=None, use_mpy=True):
    """Returns (image bytes, files written)."""
    t = boardfiles.target(cfg)
    block = t["block_size"]
    size = size if size is not None else t["vfs_size"]
    if size is None:
        raise netconfig.ConfigError("the board config has no target.vfs_size; pass --size")
    if size % block or size // block < MIN_BLOCKS:
        raise netconfig.ConfigError(
            f"partition size {size:#x} must be a multiple of the {block}-byte block and at least "
            f"{MIN_BLOCKS} blocks")
    files = boardfiles.collect(cfg, app, use_mpy)
    # MicroPython's VfsLfs2 reads 32-byte units; only block size and count are
    # on disk, so the host may use whole blocks and the image still mounts.
    fs = LittleFS(block_size=block, block_count=size // block)
    try:
        for f in files:
            parent = f.path.rpartition("/")[0]
            if parent:
                fs.makedirs(parent, exist_ok=True)
            with fs.open(f.path, "wb") as out:
                out.write(f.data)
    except LittleFSError as e:
        total = sum(len(f.data) for f in files)
        raise netconfig.ConfigError(
            f"the files ({total} bytes) do not fit in a {size:#x}-byte partition ({e})") from None
    return bytes(fs.context.buffer), files


def main(board, app, out, size=None, use_mpy=True, config=None):
    try:
        cfg = boardfiles.load_config(board, config)
        data, files = build(cfg, app, size, use_mpy)
    except netconfig.ConfigError as e:
        print(f"qpyshim: {e}", file=sys.stderr)
        return 2
    Path(out).write_bytes(data)
    used = sum(len(f.data) for f in files)
    t = boardfiles.target(cfg)
    kinds = ".mpy" if any(f.path.endswith(".mpy") for f in files) else ".py"
    print(f"{out}: LittleFS v2, {len(data)} bytes ({len(data) // t['block_size']} blocks of "
          f"{t['block_size']}); "
          f"{len(files)} files, {used} bytes, shim as {kinds}")
    if t["vfs_offset"] is not None:
        print(f"write it at {t['vfs_offset']:#x}: qpyshim flash --board {board} --port PORT {out}")
    return 0
