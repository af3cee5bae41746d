"""`qpyshim flash`: write a filesystem image (and, first, a stock MicroPython
firmware if given) to an ESP32 through esptool."""

import shlex
import subprocess
import sys
from pathlib import Path

from . import boardfiles, netconfig

ESPTOOL = [sys.executable, "-m", "esptool"]


def commands(t, port, image, firmware=None, baud=None, erase=False):
    """The esptool command lines, in order, each with a label."""
    if t["chip"] is None or t["vfs_offset"] is None:
        raise netconfig.ConfigError("this board is not flashed with esptool (no target.chip / vfs_offset)")
    base = ESPTOOL + ["--chip", t["chip"], "--port", port, "--baud", str(baud or t["baud"])]
    steps = []
    if erase:
        steps.append(("erase the whole flash", base + ["erase-flash"]))
    if firmware:
        steps.append((f"MicroPython firmware -> {t['firmware_offset']:#x}",
                      base + ["write-flash", f"{t['firmware_offset']:#x}", str(firmware)]))
    steps.append((f"filesystem image -> {t['vfs_offset']:#x}",
                  base + ["write-flash", f"{t['vfs_offset']:#x}", str(image)]))
    return steps


def check_image(t, image):
    size = Path(image).stat().st_size
    block = t["block_size"]
    if size % block:
        raise netconfig.ConfigError(f"{image}: {size} bytes is not a whole number of {block}-byte blocks")
    if t["vfs_size"] is not None and size > t["vfs_size"]:
        raise netconfig.ConfigError(
            f"{image}: {size:#x} bytes is larger than the board's vfs partition ({t['vfs_size']:#x})")
    if t["vfs_size"] is not None and size != t["vfs_size"]:
        # littlefs records its block count: a smaller image on a bigger
        # partition fails to mount and the board reports a corrupted filesystem.
        print(f"qpyshim: warning: {image} is {size:#x} bytes but the board's vfs partition is "
              f"{t['vfs_size']:#x}; MicroPython mounts it only if the partition is that size",
              file=sys.stderr)


def main(board, port, image, firmware=None, baud=None, erase=False, dry_run=False, config=None):
    try:
        t = boardfiles.target(boardfiles.load_config(board, config))
        for f in (image, firmware):
            if f and not Path(f).is_file():
                raise netconfig.ConfigError(f"no such file: {f}")
        check_image(t, image)
        steps = commands(t, port, image, firmware, baud, erase)
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
