"""`qpyshim flash`: write a filesystem image (and, first, a stock MicroPython
firmware if given) to an ESP32 through esptool, at the `vfs` partition of the
board's flash layout (qpyshim/partitions.py)."""

import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

from . import boardfiles, netconfig, partitions, paths

ESPTOOL = [sys.executable, "-m", "esptool"]


def commands(t, port, image, firmware=None, baud=None, erase=False, vfs_offset=None):
    """The esptool command lines, in order, each with a label."""
    vfs_offset = t["vfs_offset"] if vfs_offset is None else vfs_offset
    if t["chip"] is None or vfs_offset is None:
        raise netconfig.ConfigError("this board is not flashed with esptool (no target.chip / vfs_offset)")
    base = ESPTOOL + ["--chip", t["chip"], "--port", port, "--baud", str(baud or t["baud"])]
    steps = []
    if erase:
        steps.append(("erase the whole flash", base + ["erase-flash"]))
    if firmware:
        steps.append((f"MicroPython firmware -> {t['firmware_offset']:#x}",
                      base + ["write-flash", f"{t['firmware_offset']:#x}", str(firmware)]))
    steps.append((f"filesystem image -> {vfs_offset:#x}",
                  base + ["write-flash", f"{vfs_offset:#x}", str(image)]))
    return steps


def check_image(t, image, layout=None, others=()):
    """Refuses an image that cannot fit the layout's `vfs` partition; warns when
    it fits but will not mount (a smaller image). `others`: the board's other
    layouts, to say which one an oversized image would fit."""
    size = Path(image).stat().st_size
    block = t["block_size"]
    if size % block:
        raise netconfig.ConfigError(f"{image}: {size} bytes is not a whole number of {block}-byte blocks")
    if layout is None:
        return  # not an esptool board: commands() says so
    vfs = layout.vfs
    if size > vfs.size:
        fits = [o.name for o in others if o.vfs.size >= size] if layout.name else []
        hint = (f"; it fits the {fits[0][:-2]} MB layout's: pass --flash-size {fits[0]} if the board "
                f"has {fits[0][:-2]} MB of flash" if fits else "")
        raise netconfig.ConfigError(
            f"{image} is {size:#x} bytes, larger than the board's vfs partition: the `vfs` partition "
            f"of {layout.label} is {vfs.size:#x}{hint}")
    if size != vfs.size:
        # littlefs records its block count: a smaller image on a bigger
        # partition fails to mount, and MicroPython's _boot.py then formats
        # the partition (the files are lost).
        print(f"qpyshim: warning: {image} is {size:#x} bytes but the `vfs` partition of {layout.label} "
              f"is {vfs.size:#x}; MicroPython mounts it only if the partition is that size (build it "
              f"with `qpyshim image {layout.option}`)", file=sys.stderr)


def check_firmware(t, firmware, layout):
    """A firmware.bin (bootloader, partition table and app in one, written at
    target.firmware_offset) must end inside the app partition: past it, the
    image would overwrite the firmware's end."""
    if layout is None or t["firmware_offset"] is None:
        return
    end = t["firmware_offset"] + Path(firmware).stat().st_size
    app = layout.app_before_vfs()
    limit, part = (app.end, app) if app else (layout.vfs.offset, layout.vfs)
    if end > limit:
        where = "the end" if app else "the start"
        raise netconfig.ConfigError(
            f"{firmware} written at {t['firmware_offset']:#x} ends at {end:#x}, past {where} of the "
            f"`{part.name}` partition of {layout.label} ({limit:#x}): it needs a partition table "
            f"with a bigger app; pass the one it was built with as --partitions FILE")


def read_board(t, port, baud, into):
    """(the board's partition table, written to the folder `into`; the flash
    size esptool detects, or None), read with esptool: `--partitions board`."""
    base = ESPTOOL + ["--chip", t["chip"], "--port", port, "--baud", str(baud or t["baud"])]
    out = Path(into) / "board-partitions.bin"
    sizes = None
    for cmd in (base + ["flash-id"], base + ["read-flash", f"{partitions.TABLE_AT:#x}", "0xc00", str(out)]):
        print(f"qpyshim: reading the board: {shlex.join(cmd)}", file=sys.stderr, flush=True)
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        except subprocess.TimeoutExpired:
            raise netconfig.ConfigError("esptool did not answer in 120 s while reading the board") from None
        if p.returncode:
            tail = (p.stderr or p.stdout).strip().splitlines()[-1:] or [""]
            raise netconfig.ConfigError(
                f"could not read the board's partition table (esptool failed ({p.returncode}): {tail[0]})")
        sizes = sizes or re.search(r"Detected flash size: (\d+)MB", p.stdout)
    if partitions.from_firmware(out.read_bytes(), partitions.TABLE_AT) is None:
        raise netconfig.ConfigError("the board has no partition table at 0x8000 (erased, or not "
                                    "MicroPython): write a firmware with --firmware")
    return out, (f"{sizes.group(1)}MB" if sizes else None)


def resolve(board, t, image, flash_size=None, table=None, firmware=None, port=None, baud=None, tmp=None):
    """(layout or None, its `vfs` offset or None, the board's other named layouts).
    A firmware being written brings its own partition table: that one wins."""
    if t["chip"] is None:
        return None, None, ()
    size = Path(image).stat().st_size
    where = None
    if table == "board":  # the flash size too: a table without a vfs row needs it
        table, detected = read_board(t, port, baud, tmp)
        flash_size, where = flash_size or detected, "the board's flash"
    if (table is None or where) and firmware and t["firmware_offset"] is not None:
        with open(firmware, "rb") as f:
            head = f.read(partitions.TABLE_AT + 0x1000)
        if partitions.from_firmware(head, t["firmware_offset"]) is not None:
            table, where = firmware, None  # what the board will have once it is written
    layout, why = partitions.choose(t, paths.board_dir(board), flash_size, table, size, where)
    if layout is None:
        return None, None, ()
    others = [partitions.named(t, paths.board_dir(board), n) for n in t["layouts"]]
    # Said on stderr: with --dry-run, stdout is the command lines alone.
    print(f"qpyshim: {layout.describe()} (from {why})", file=sys.stderr)
    return layout, layout.vfs.offset, others


def main(board, port, image, firmware=None, baud=None, erase=False, dry_run=False, config=None,
         flash_size=None, table=None):
    try:
        t = boardfiles.target(boardfiles.load_config(board, config))
        for f in (image, firmware, None if table == "board" else table):
            if f and not Path(f).is_file():
                raise netconfig.ConfigError(f"no such file: {f}")
        with tempfile.TemporaryDirectory(prefix="qpyshim-flash-") as tmp:
            layout, offset, others = resolve(board, t, image, flash_size, table, firmware, port, baud, tmp)
        check_image(t, image, layout, others)
        if firmware:
            check_firmware(t, firmware, layout)
        steps = commands(t, port, image, firmware, baud, erase, offset)
    except netconfig.ConfigError as e:
        print(f"qpyshim: {e}", file=sys.stderr)
        return 2
    for i, (label, cmd) in enumerate(steps, 1):
        if dry_run:
            print(shlex.join(cmd))
            continue
        # esptool draws its own progress bar for each write.
        print(f"[{i}/{len(steps)}] {label}", flush=True)
        code = subprocess.call(cmd)
        if code:
            print(f"qpyshim: esptool failed ({code}) at step {i}: {label}", file=sys.stderr)
            return code
    return 0
