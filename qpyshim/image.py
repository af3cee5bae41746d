"""`qpyshim image`: a LittleFS v2 image of a board's filesystem, ready to be
written at the board's vfs partition offset."""

import sys
from pathlib import Path

from littlefs import LittleFS, LittleFSError

from . import boardfiles, netconfig, partitions, paths

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


def main(board, app, out, size=None, use_mpy=True, config=None, flash_size=None, table=None):
    try:
        cfg = boardfiles.load_config(board, config)
        t = boardfiles.target(cfg)
        size, layout = _size(board, t, size, flash_size, table)
        data, files = build(cfg, app, size, use_mpy)
    except netconfig.ConfigError as e:
        print(f"qpyshim: {e}", file=sys.stderr)
        return 2
    Path(out).write_bytes(data)
    used = sum(len(f.data) for f in files)
    kinds = ".mpy" if any(f.path.endswith(".mpy") for f in files) else ".py"
    print(f"{out}: LittleFS v2, {len(data)} bytes ({len(data) // t['block_size']} blocks of "
          f"{t['block_size']}); "
          f"{len(files)} files, {used} bytes, shim as {kinds}")
    if layout is not None:
        # flash takes the layout as image did; the board config's needs no option
        opt = "" if layout.option.startswith("--size") else f" {layout.option}"
        print(f"for {layout.label}; write it at {layout.vfs.offset:#x}: "
              f"qpyshim flash --board {board} --port PORT{opt} {out}")
    return 0


def _size(board, t, size, flash_size, table):
    """(image size, the layout it is for or None). --size takes bytes or, as
    --flash-size does, a layout name (8MB): the size of that layout's `vfs`."""
    size = partitions.size_or_layout(size) if size is not None else None
    if isinstance(size, str):
        if flash_size is not None and partitions.flash_size_name(flash_size) != size:
            raise netconfig.ConfigError(f"--size {size} and --flash-size {flash_size} disagree")
        flash_size, size = size, None
    if t["chip"] is None:
        if flash_size is not None or table is not None:
            raise netconfig.ConfigError("this board is not flashed with esptool: it has no partition table")
        return size, None
    if size is not None and (flash_size is not None or table is not None):
        raise netconfig.ConfigError(
            "give the size in bytes (--size) or a layout (--flash-size, --partitions), not both")
    layout, _ = partitions.choose(t, paths.board_dir(board), flash_size, table, size)
    if size is None:
        return (layout.vfs.size if layout else None), layout
    if layout is not None and layout.vfs.size != size:
        sizes = ", ".join(f"{n}: {partitions.named(t, paths.board_dir(board), n).vfs.size:#x}"
                          for n in t["layouts"]) or f"{layout.vfs.size:#x}"
        print(f"qpyshim: note: {size:#x} bytes is the `vfs` partition of none of the board's layouts "
              f"({sizes}); MicroPython mounts the image only on a partition of exactly that size",
              file=sys.stderr)
        return size, None
    return size, layout
