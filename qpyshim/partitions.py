"""A board's flash layouts: ESP-IDF partition tables (the CSV files MicroPython's
ESP32 port builds with) and which one `qpyshim image`/`flash` use. The image
goes into the `vfs` partition; LittleFS records its block count, so an image
mounts only on a partition of exactly its size."""

import re
import struct
from pathlib import Path

from . import netconfig

MiB = 1 << 20
TABLE_AT = 0x8000  # where ESP-IDF's bootloader reads the partition table
_ENTRY = struct.Struct("<2sBBII16sI")  # gen_esp32part.py's binary row
_TYPES = {0: "app", 1: "data"}
PTABLE_END = 0x9000  # ESP-IDF's partition table sits at 0x8000, one 4 KiB sector
_ALIGN = {"app": 0x10000}  # gen_esp32part.py's alignment for a row without an offset; data: 4 KiB
_FLASH_SIZE = re.compile(r"(\d+)\s*(?:m|mb|mib)?", re.I)


class Partition:
    __slots__ = ("name", "type", "subtype", "offset", "size")

    def __init__(self, name, type_, subtype, offset, size):
        self.name, self.type, self.subtype, self.offset, self.size = name, type_, subtype, offset, size

    @property
    def end(self):
        return self.offset + self.size

    def __repr__(self):
        return f"Partition({self.name!r}, {self.offset:#x}, {self.size:#x})"


class Layout:
    """One partition table; `vfs` is where the filesystem image goes."""

    def __init__(self, label, parts, name=None, option=None):
        self.label = label  # "the 8 MB layout", for messages
        self.name = name  # "8MB" for the board's own layouts, else None
        self.parts = parts
        self.vfs = next(p for p in parts if p.name == "vfs")
        # how `qpyshim image`/`flash` are told to use this layout
        self.option = option or (f"--flash-size {name}" if name else f"--size {self.vfs.size:#x}")

    def app_before_vfs(self):
        """The app partition a firmware.bin written before the vfs must end in."""
        apps = [p for p in self.parts if p.type == "app" and p.offset < self.vfs.offset]
        return max(apps, key=lambda p: p.offset) if apps else None

    def describe(self):
        return f"{self.label}: `vfs` at {self.vfs.offset:#x}, {self.vfs.size:#x} bytes"


def flash_size_name(text):
    """'8MB', '8mb', '8M', '8MiB', '8' -> '8MB' (esptool's spelling); ConfigError if not a size."""
    m = _FLASH_SIZE.fullmatch(str(text).strip())
    if not m:
        raise netconfig.ConfigError(f"{text!r} is not a flash size (4MB, 8MB, 16MB)")
    return f"{int(m.group(1))}MB"


def size_or_layout(text):
    """`qpyshim image --size`: bytes (0x600000, 6291456) or a layout name (8MB)."""
    if isinstance(text, int):
        return text
    try:
        v = int(text, 0)
    except ValueError:
        if not _FLASH_SIZE.fullmatch(text.strip()):
            raise netconfig.ConfigError(
                f"{text!r} is neither bytes (0x200000 or 2097152) nor a layout (4MB, 8MB, 16MB)") from None
        return flash_size_name(text)
    if v <= 0:
        raise netconfig.ConfigError(f"{text!r}: must be > 0")
    return v


def _num(text, where):
    t = text.strip()
    scale = {"k": 1024, "m": MiB}.get(t[-1:].lower(), 1)
    if scale != 1:
        t = t[:-1]
    try:
        return int(t, 0) * scale
    except ValueError:
        raise netconfig.ConfigError(f"{where}: {text.strip()!r} is not a number") from None


def parse_csv(text, where, flash=None):
    """The partitions of an ESP-IDF partition CSV (name, type, subtype, offset,
    size), with the `vfs` MicroPython 1.26+ adds at boot when the table has
    none (see complete())."""
    return complete(rows(text, where), where, flash)


def rows(text, where):
    parts, end = [], PTABLE_END
    for n, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        cols = [c.strip() for c in line.split(",")]
        if len(cols) < 5 or not cols[0]:
            raise netconfig.ConfigError(f"{where}:{n}: expected name, type, subtype, offset, size")
        name, type_, subtype = cols[:3]
        size = _num(cols[4], f"{where}:{n}")
        if cols[3]:
            offset = _num(cols[3], f"{where}:{n}")
        else:
            align = _ALIGN.get(type_, 0x1000)
            offset = -(-end // align) * align
        parts.append(Partition(name, type_, subtype, offset, size))
        end = max(end, offset + size)
    if not parts:
        raise netconfig.ConfigError(f"{where}: no partitions")
    return parts


def complete(parts, where, flash):
    """Checks the table against `flash` bytes of flash; a table without a `vfs`
    row gets the one MicroPython (1.26+, ports/esp32/main.c) creates at boot:
    from the end of the last partition to the end of the flash."""
    if not any(p.name == "vfs" for p in parts):
        end = max(p.end for p in parts)
        if flash is None:
            raise netconfig.ConfigError(
                f"{where} has no `vfs` partition: MicroPython adds one at boot up to the end of the "
                f"flash, so give the flash size (--flash-size 4MB|8MB|16MB)")
        if flash <= end:
            raise netconfig.ConfigError(f"{where}: no room for a `vfs` partition after {end:#x} "
                                        f"in {flash:#x} bytes of flash")
        parts = parts + [Partition("vfs", "data", "fat", end, flash - end)]
    _check(parts, where, flash)
    return parts


def read_table(path, firmware_offset=None):
    """The partition table in `path` as CSV text: a CSV file, a built
    partition-table.bin, or a MicroPython firmware.bin (--partitions takes all three)."""
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise netconfig.ConfigError(f"--partitions: {e}") from None
    for at in (TABLE_AT, firmware_offset):  # a table file is read as if it sat at 0x8000
        if at is not None:
            text = from_firmware(data, at)
            if text is not None:
                return text
    try:
        return data.decode()
    except UnicodeDecodeError:
        raise netconfig.ConfigError(f"{path}: neither a partition table (CSV or .bin) nor a firmware "
                                    f"with one") from None


def from_firmware(data, firmware_offset):
    """The partition table inside a MicroPython firmware.bin (bootloader,
    table and app merged, written at firmware_offset) as CSV text, or None
    when the file holds no table (an app-only .bin)."""
    at = TABLE_AT - firmware_offset
    if at < 0 or data[at:at + 2] != b"\xaa\x50":
        return None
    lines = []
    stop = min(len(data), at + 0xC00) - _ENTRY.size  # the table's sector holds 95 rows at most
    for pos in range(at, stop + 1, _ENTRY.size):
        magic, type_, subtype, offset, size, label, _flags = _ENTRY.unpack_from(data, pos)
        if magic != b"\xaa\x50":
            break  # 0xEBEB: the table's MD5 row; 0xFFFF: erased flash
        name = label.split(b"\0", 1)[0].decode("ascii", "replace")
        lines.append(f"{name}, {_TYPES.get(type_, type_)}, {subtype}, {offset:#x}, {size:#x}")
    return "\n".join(lines)


def _check(parts, where, flash):
    ordered = sorted(parts, key=lambda p: p.offset)
    for a, b in zip(ordered, ordered[1:]):
        if a.end > b.offset:
            raise netconfig.ConfigError(f"{where}: partitions `{a.name}` and `{b.name}` overlap")
    for p in parts:
        if flash is not None and p.end > flash:
            raise netconfig.ConfigError(
                f"{where}: the `{p.name}` partition ends at {p.end:#x}, past the {flash // MiB} MB flash")


def named(t, board_dir, name):
    """The board's own layout `name` (target.layouts in board.json)."""
    layouts = t["layouts"]
    if name not in layouts:
        known = ", ".join(layouts) or "none"
        raise netconfig.ConfigError(
            f"the board has no {name} layout (known: {known}); for another partition table pass "
            f"--partitions FILE.csv")
    path = Path(board_dir) / layouts[name]
    try:
        text = path.read_text()
    except OSError as e:
        raise netconfig.ConfigError(f"target.layouts.{name}: {e}") from None
    flash = int(name[:-2]) * MiB
    return Layout(f"the {name[:-2]} MB layout", parse_csv(text, path.name, flash), name)


def _from_target(t):
    """target.vfs_offset/vfs_size, the one-layout form a board config may give."""
    if t["vfs_offset"] is None or t["vfs_size"] is None:
        return None
    return Layout("the board config's layout (target.vfs_offset/vfs_size)",
                  [Partition("vfs", "data", "fat", t["vfs_offset"], t["vfs_size"])])


def choose(t, board_dir, flash_size=None, table=None, image_size=None, where=None):
    """(layout, why): the layout a partition table (--partitions, or the
    firmware being written) or --flash-size names; else the board's layout
    whose `vfs` is the image's size (an image `qpyshim image --flash-size`
    built); else the board's default. None if the board has none."""
    if flash_size is not None:
        flash_size = flash_size_name(flash_size)
    if table is not None:
        return _from_table(t, table, flash_size, image_size, where)
    if flash_size is not None:
        return named(t, board_dir, flash_size), "--flash-size"
    own = _from_target(t)
    default = named(t, board_dir, flash_size_name(t["flash_size"])) if t["flash_size"] else None
    if own is not None and (default is None or (own.vfs.offset, own.vfs.size) !=
                            (default.vfs.offset, default.vfs.size)):
        return own, "the board config"  # a config that moved the vfs means it
    if image_size is not None:
        fits = [lay for lay in (named(t, board_dir, n) for n in t["layouts"]) if lay.vfs.size == image_size]
        if len(fits) == 1:
            return fits[0], "the image's size"
    if default is not None:
        return default, "the board's default; --flash-size picks another"
    return own, "the board config"


def _from_table(t, table, flash_size, image_size, where=None):
    """`where`: what to call the table's source (default: its file)."""
    where = where or str(table)
    parts = rows(read_table(table, t["firmware_offset"]), where)
    why = f"the partition table in {where}"
    if flash_size is None and not any(p.name == "vfs" for p in parts):
        # MicroPython sizes this table's vfs to the flash: which flash? The
        # one that makes it the image's size, else the board's default.
        end = max(p.end for p in parts)
        sizes = [n for n in t["layouts"] if int(n[:-2]) * MiB - end == image_size]
        if len(sizes) == 1:
            flash_size, why = sizes[0], why + f", on {sizes[0]} of flash (where its vfs is the image's size)"
        elif t["flash_size"]:
            flash_size = flash_size_name(t["flash_size"])
            why += f", the board's default {flash_size} flash; --flash-size picks another"
    flash = int(flash_size[:-2]) * MiB if flash_size else None
    option = f"--partitions {table}" + (f" --flash-size {flash_size}" if flash_size else "")
    if where != str(table):
        option = None  # read from the board: `image` is told the size in bytes
    return Layout(f"the layout in {where}", complete(parts, where, flash), option=option), why
