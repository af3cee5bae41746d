"""`qpyshim image` and `qpyshim flash` on every flash layout of the esp32 board
(4, 8 and 16 MB: boards/esp32/partitions-*.csv) and on a partition table the
user gives: the image is sized to the layout's `vfs` partition and written at
its offset, an image that cannot fit is refused naming the partition, a smaller
one (which would not mount) is warned about. esptool only as --dry-run."""

import hashlib
import struct
import subprocess
import sys

import pytest
from littlefs import LittleFS

from conftest import QPYSHIM, ROOT
from qpyshim import boardfiles, netconfig, partitions, paths
from qpyshim import flash as flash_cli

ESPTOOL = f"{sys.executable} -m esptool --chip esp32 --port /dev/ttyUSB0 --baud 460800"
VFS = {"4MB": (0x200000, 0x200000), "8MB": (0x200000, 0x600000), "16MB": (0x200000, 0xE00000)}

# MicroPython's partitions-4MiBplus.csv as a later revision has it (a bigger
# app, no vfs row: the firmware adds the vfs at boot up to the end of flash).
PLUS = """# Name, Type, SubType, Offset, Size
nvs,      data, nvs,     0x9000,  0x6000,
phy_init, data, phy,     0xf000,  0x1000,
factory,  app,  factory, 0x10000, 0x210000,
"""


def table_bin(rows):
    """A partition-table.bin as ESP-IDF's gen_esp32part.py writes it."""
    out = b"".join(struct.pack("<2sBBII16sI", b"\xaa\x50", 0 if t == "app" else 1, sub, off, size,
                               name.encode(), 0) for name, t, sub, off, size in rows)
    out += b"\xeb\xeb" + b"\xff" * 14 + hashlib.md5(out).digest()
    return out + b"\xff" * (0xC00 - len(out))


# the same table as PLUS, built
PLUS_ROWS = [("nvs", "data", 2, 0x9000, 0x6000), ("phy_init", "data", 1, 0xF000, 0x1000),
             ("factory", "app", 0, 0x10000, 0x210000)]


def firmware_bin(rows, app_size):
    """A MicroPython firmware.bin for the ESP32: bootloader at 0x1000, the
    partition table at 0x8000, the app at 0x10000, as one file written at 0x1000."""
    boot = b"\xe9" + bytes(0x7000 - 1)
    return boot + table_bin(rows) + b"\xff" * (0x10000 - 0x8C00) + b"\xe9" + bytes(app_size - 1)


def qpyshim(*args):
    return subprocess.run(QPYSHIM + list(args), capture_output=True, text=True, timeout=120, cwd=ROOT)


def flash(img, *args):
    return qpyshim("flash", "--port", "/dev/ttyUSB0", "--dry-run", *args, str(img))


def blank(tmp_path, size, name="fs.img"):
    img = tmp_path / name
    img.write_bytes(b"\xff" * size)
    return img


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    p = tmp_path_factory.mktemp("app") / "hello.py"
    p.write_text("print('hello')\n")
    return p


def mounts(img, size):
    fs = LittleFS(block_size=4096, block_count=size // 4096, mount=False)
    fs.context.buffer[:] = img.read_bytes()
    fs.mount()
    return fs.stat("/usr/main.py").size


@pytest.mark.parametrize("name", list(VFS))
def test_an_image_for_each_layout_is_written_at_its_vfs(tmp_path, app, name):
    offset, size = VFS[name]
    img = tmp_path / f"fs-{name}.img"
    p = qpyshim("image", str(app), "-o", str(img), "--no-mpy", "--flash-size", name)
    assert p.returncode == 0, p.stderr
    assert img.stat().st_size == size
    assert mounts(img, size) == len(app.read_bytes())
    assert f"for the {name[:-2]} MB layout; write it at {offset:#x}" in p.stdout
    assert f"--flash-size {name} {img}" in p.stdout
    # --size takes the same names: the same image
    same = tmp_path / "same.img"
    p = qpyshim("image", str(app), "-o", str(same), "--no-mpy", "--size", name.lower())
    assert p.returncode == 0, p.stderr
    assert same.stat().st_size == size

    # flash picks the layout from the image's size and says so; no warning
    p = flash(img)
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == [f"{ESPTOOL} write-flash {offset:#x} {img}"]
    assert f"the {name[:-2]} MB layout: `vfs` at {offset:#x}, {size:#x} bytes (from the image's size)" in p.stderr
    assert "warning" not in p.stderr
    p = flash(img, "--flash-size", name)
    assert p.returncode == 0 and "(from --flash-size)" in p.stderr and "warning" not in p.stderr
    assert p.stdout.splitlines() == [f"{ESPTOOL} write-flash {offset:#x} {img}"]


def test_what_cannot_fit_is_refused_naming_the_partition(tmp_path):
    eight = blank(tmp_path, 0x600000)
    p = flash(eight, "--flash-size", "4MB")
    assert p.returncode == 2 and not p.stdout
    assert "is 0x600000 bytes, larger than the board's vfs partition" in p.stderr
    assert "the `vfs` partition of the 4 MB layout is 0x200000" in p.stderr
    assert "pass --flash-size 8MB" in p.stderr
    sixteen = blank(tmp_path, 0xE00000, "16.img")
    p = flash(sixteen, "--flash-size", "8mb")
    assert p.returncode == 2 and "the `vfs` partition of the 8 MB layout is 0x600000" in p.stderr
    assert "pass --flash-size 16MB" in p.stderr
    # a size no layout has: the board's default layout (4 MB) unless told
    odd = blank(tmp_path, 0x300000, "odd.img")
    p = flash(odd)
    assert p.returncode == 2 and "the `vfs` partition of the 4 MB layout is 0x200000" in p.stderr
    assert "pass --flash-size 8MB" in p.stderr
    p = flash(odd, "--flash-size", "8MB")
    assert p.returncode == 0 and p.stdout.splitlines() == [f"{ESPTOOL} write-flash 0x200000 {odd}"]
    huge = blank(tmp_path, 0xF00000, "huge.img")
    p = flash(huge)
    assert p.returncode == 2 and "the `vfs` partition of the 4 MB layout is 0x200000" in p.stderr
    assert "--flash-size" not in p.stderr.split("larger", 1)[1]  # fits no layout: no hint
    p = flash(eight, "--flash-size", "32MB")
    assert p.returncode == 2 and "no 32MB layout (known: 4MB, 8MB, 16MB)" in p.stderr


def test_a_smaller_image_is_written_with_a_warning_naming_the_layout(tmp_path):
    four = blank(tmp_path, 0x200000)
    p = flash(four, "--flash-size", "16MB")
    assert p.returncode == 0
    assert p.stdout.splitlines() == [f"{ESPTOOL} write-flash 0x200000 {four}"]
    assert "warning" in p.stderr and "the `vfs` partition of the 16 MB layout is 0xe00000" in p.stderr
    assert "qpyshim image --flash-size 16MB" in p.stderr


def test_a_firmware_that_reaches_the_vfs_is_refused(tmp_path):
    img = blank(tmp_path, 0x200000)
    fits = tmp_path / "fits.bin"
    fits.write_bytes(b"\xe9" + bytes(0x200000 - 0x1000 - 1))  # ends where factory ends
    p = flash(img, "--firmware", str(fits))
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == [f"{ESPTOOL} write-flash 0x1000 {fits}",
                                     f"{ESPTOOL} write-flash 0x200000 {img}"]
    big = tmp_path / "big.bin"
    big.write_bytes(b"\xe9" + bytes(0x200000))
    p = flash(img, "--firmware", str(big))
    assert p.returncode == 2 and not p.stdout
    assert "ends at 0x201001, past the end of the `factory` partition of the 4 MB layout (0x200000)" in p.stderr
    assert "--partitions" in p.stderr


def test_a_partition_table_of_the_users_moves_the_vfs(tmp_path, app):
    table = tmp_path / "partitions-4MiBplus.csv"
    table.write_text(PLUS)
    # no vfs row: MicroPython adds it at boot after the app, up to the flash's end
    img = tmp_path / "plus.img"
    p = qpyshim("image", str(app), "-o", str(img), "--no-mpy", "--partitions", str(table), "--flash-size", "8MB")
    assert p.returncode == 0, p.stderr
    assert img.stat().st_size == 0x800000 - 0x220000
    assert f"write it at 0x220000: qpyshim flash --board esp32 --port PORT --partitions {table} --flash-size 8MB" \
        in p.stdout
    p = flash(img, "--partitions", str(table), "--flash-size", "8MB")
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == [f"{ESPTOOL} write-flash 0x220000 {img}"]
    p = flash(img, "--partitions", str(table), "--flash-size", "4MB")
    assert p.returncode == 2 and f"the `vfs` partition of the layout in {table} is 0x1e0000" in p.stderr
    p = flash(img, "--partitions", str(table))  # the flash size whose vfs is the image's
    assert p.returncode == 0 and p.stdout.splitlines() == [f"{ESPTOOL} write-flash 0x220000 {img}"]
    assert "on 8MB of flash (where its vfs is the image's size)" in p.stderr
    with pytest.raises(netconfig.ConfigError, match="has no `vfs` partition.*--flash-size"):
        partitions.parse_csv(PLUS, "plus.csv")
    fw = tmp_path / "fw.bin"
    fw.write_bytes(bytes(0x210000))  # a firmware for this table: ends at 0x211000 < 0x220000
    p = flash(img, "--partitions", str(table), "--flash-size", "8MB", "--firmware", str(fw))
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines()[-1] == f"{ESPTOOL} write-flash 0x220000 {img}"
    # the same firmware on the stock 4 MB layout would be overwritten by the image
    p = flash(blank(tmp_path, 0x200000, "four.img"), "--firmware", str(fw))
    assert p.returncode == 2 and "past the end of the `factory` partition of the 4 MB layout" in p.stderr

    # an explicit vfs row, with blank offsets and K/M sizes as ESP-IDF allows
    custom = tmp_path / "custom.csv"
    custom.write_text("nvs, data, nvs, , 24K\nphy_init, data, phy, , 4K\nfactory, app, factory, , 2M\n"
                      "vfs, data, fat, 0x300000, 1M\n")
    one = blank(tmp_path, 0x100000, "one.img")
    p = flash(one, "--partitions", str(custom))
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == [f"{ESPTOOL} write-flash 0x300000 {one}"]


def test_image_size_options_agree_or_are_refused(tmp_path, app):
    out = str(tmp_path / "x.img")
    p = qpyshim("image", str(app), "-o", out, "--size", "8MB", "--flash-size", "4MB")
    assert p.returncode == 2 and "disagree" in p.stderr
    p = qpyshim("image", str(app), "-o", out, "--size", "0x600000", "--flash-size", "8MB")
    assert p.returncode == 2 and "not both" in p.stderr
    p = qpyshim("image", str(app), "-o", out, "--size", "big")
    assert p.returncode == 2 and "neither bytes" in p.stderr
    p = qpyshim("image", str(app), "-o", out, "--flash-size", "32MB")
    assert p.returncode == 2 and "no 32MB layout" in p.stderr
    p = qpyshim("image", "--board", "quectel", str(app), "-o", out, "--flash-size", "8MB")
    assert p.returncode == 2 and "not flashed with esptool" in p.stderr
    assert not (tmp_path / "x.img").exists()
    # bytes that match no layout: built, with a note that it mounts only on that size
    p = qpyshim("image", str(app), "-o", out, "--no-mpy", "--size", "0x300000")
    assert p.returncode == 0 and "none of the board's layouts (4MB: 0x200000, 8MB: 0x600000" in p.stderr
    assert "write it at" not in p.stdout


def test_a_config_that_moves_the_vfs_still_wins(tmp_path, capsys):
    # target.vfs_offset/vfs_size, the one-layout form of a board config (a copied
    # board, or a config merged over it), are honoured as before
    cfg = tmp_path / "moved.json"
    cfg.write_text('{"target": {"vfs_offset": "0x300000", "vfs_size": "0x100000"}}')
    img = blank(tmp_path, 0x100000)
    assert flash_cli.main("esp32", "/dev/ttyUSB0", str(img), dry_run=True, config=str(cfg)) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [f"{ESPTOOL} write-flash 0x300000 {img}"]
    assert "(from the board config)" in err and "warning" not in err
    assert flash_cli.main("esp32", "/dev/ttyUSB0", str(blank(tmp_path, 0x200000, "b.img")), dry_run=True,
                          config=str(cfg)) == 2
    assert "the `vfs` partition of the board config's layout (target.vfs_offset/vfs_size) is 0x100000" \
        in capsys.readouterr().err


def test_the_layout_files_parse_and_agree_with_the_board_config():
    t = boardfiles.target(boardfiles.load_config("esp32"))
    d = paths.board_dir("esp32")
    for name, (offset, size) in VFS.items():
        lay = partitions.named(t, d, name)
        assert (lay.vfs.offset, lay.vfs.size) == (offset, size)
        assert lay.vfs.end == int(name[:-2]) << 20  # the vfs runs to the end of the flash
        assert lay.app_before_vfs().name == "factory" and lay.app_before_vfs().end == offset
    default = partitions.named(t, d, t["flash_size"])
    assert (default.vfs.offset, default.vfs.size) == (t["vfs_offset"], t["vfs_size"])  # no drift
    assert [partitions.flash_size_name(s) for s in ("8MB", "8mb", "8M", "8MiB", "8")] == ["8MB"] * 5
    with pytest.raises(netconfig.ConfigError, match="overlap"):
        partitions.parse_csv("a, data, nvs, 0x9000, 0x2000\nb, data, nvs, 0xa000, 0x1000\n", "t.csv", 1 << 22)
    with pytest.raises(netconfig.ConfigError, match="`vfs` partition ends at 0x500000, past the 4 MB flash"):
        partitions.parse_csv("vfs, data, fat, 0x200000, 0x300000\n", "t.csv", 4 << 20)
    with pytest.raises(netconfig.ConfigError, match="t.csv:2: expected name"):
        partitions.parse_csv("# header\nnvs, data\n", "t.csv")
    blanks = partitions.parse_csv("nvs, data, nvs, , 24K\nfactory, app, factory, , 1M\n", "t.csv", 4 << 20)
    assert [(p.name, p.offset, p.size) for p in blanks] == [
        ("nvs", 0x9000, 0x6000), ("factory", 0x10000, 0x100000), ("vfs", 0x110000, 0x2F0000)]


def test_a_firmware_brings_its_own_partition_table(tmp_path, app):
    fw = tmp_path / "ESP32_GENERIC-later.bin"
    fw.write_bytes(firmware_bin(PLUS_ROWS, 0x200100))  # an app past 0x200000: the stock vfs start
    # the image for it: --partitions reads the table out of the firmware
    img = tmp_path / "fs.img"
    p = qpyshim("image", str(app), "-o", str(img), "--no-mpy", "--partitions", str(fw), "--flash-size", "8MB")
    assert p.returncode == 0, p.stderr
    assert img.stat().st_size == 0x5E0000 and mounts(img, 0x5E0000)
    # flash takes the firmware's table (not the stock 4 MB layout, whose vfs
    # the app would reach) and the flash size from the image's size
    p = flash(img, "--firmware", str(fw))
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == [f"{ESPTOOL} write-flash 0x1000 {fw}", f"{ESPTOOL} write-flash 0x220000 {img}"]
    assert f"the layout in {fw}: `vfs` at 0x220000, 0x5e0000 bytes" in p.stderr
    assert "on 8MB of flash" in p.stderr
    small = blank(tmp_path, 0x1E0000, "small.img")  # its vfs on a 4 MB board
    p = flash(small, "--firmware", str(fw))
    assert p.returncode == 0 and p.stdout.splitlines()[-1] == f"{ESPTOOL} write-flash 0x220000 {small}"
    assert "on 4MB of flash" in p.stderr and "warning" not in p.stderr
    # an image of no flash size's vfs: the board's default flash size, said so
    odd = blank(tmp_path, 0x100000, "odd.img")
    p = flash(odd, "--firmware", str(fw))
    assert p.returncode == 0 and p.stdout.splitlines()[-1] == f"{ESPTOOL} write-flash 0x220000 {odd}"
    assert "the board's default 4MB flash" in p.stderr and "warning" in p.stderr
    # the stock image of a 4 MB board would overlap: refused, naming the partition
    p = flash(blank(tmp_path, 0x200000, "stock.img"), "--firmware", str(fw))
    assert p.returncode == 2 and f"the `vfs` partition of the layout in {fw} is 0x1e0000" in p.stderr
    # a partition-table.bin (what an ESP-IDF build leaves) works as --partitions too
    tbin = tmp_path / "partition-table.bin"
    tbin.write_bytes(table_bin(PLUS_ROWS + [("vfs", "data", 0x81, 0x220000, 0x1E0000)]))
    p = flash(small, "--partitions", str(tbin))
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == [f"{ESPTOOL} write-flash 0x220000 {small}"]
    assert partitions.from_firmware(fw.read_bytes(), 0x1000).splitlines()[2] == "factory, app, 0, 0x10000, 0x210000"


FAKE_ESPTOOL = """import os, shutil, sys
args = sys.argv[1:]
if os.environ.get("FAKE_FAIL"):
    sys.exit("A fatal error occurred: Could not open the port, the port is busy or doesn't exist.")
if "flash-id" in args:
    print("Manufacturer: c8\\\\nDetected flash size: " + os.environ["FAKE_FLASH"])
elif "read-flash" in args:
    i = args.index("read-flash")
    assert args[i + 1:i + 3] == ["0x8000", "0xc00"], args
    shutil.copy(os.environ["FAKE_TABLE"], args[i + 3])
else:
    sys.exit("unexpected: " + " ".join(args))
"""


def test_the_table_and_flash_size_read_from_the_board(tmp_path, monkeypatch, capsys):
    fake = tmp_path / "esptool.py"
    fake.write_text(FAKE_ESPTOOL)
    monkeypatch.setattr(flash_cli, "ESPTOOL", [sys.executable, str(fake)])
    tbin = tmp_path / "on-board.bin"
    tbin.write_bytes(table_bin(PLUS_ROWS))  # 1.26+: no vfs row, MicroPython sizes it to the flash
    monkeypatch.setenv("FAKE_TABLE", str(tbin))
    monkeypatch.setenv("FAKE_FLASH", "16MB")
    esptool = f"{sys.executable} {fake} --chip esp32 --port /dev/ttyUSB0 --baud 460800"
    img = blank(tmp_path, 0x1000000 - 0x220000)

    def run(*args, **kw):
        code = flash_cli.main("esp32", "/dev/ttyUSB0", str(img), dry_run=True, table="board", **kw)
        return (code,) + capsys.readouterr()

    code, out, err = run()
    assert code == 0, err
    assert out.splitlines() == [f"{esptool} write-flash 0x220000 {img}"]
    assert "reading the board" in err and "read-flash 0x8000 0xc00" in err
    assert "the layout in the board's flash: `vfs` at 0x220000, 0xde0000 bytes" in err
    # the board says 16 MB: an 8 MB board's image would not mount there
    monkeypatch.setenv("FAKE_FLASH", "8MB")
    code, out, err = run()
    assert code == 2 and "the `vfs` partition of the layout in the board's flash is 0x5e0000" in err
    # --flash-size overrides what esptool detected
    code, out, err = run(flash_size="16MB")
    assert code == 0 and out.splitlines() == [f"{esptool} write-flash 0x220000 {img}"]
    # a firmware being written brings its own table: it wins over the board's
    fw = tmp_path / "fw.bin"
    fw.write_bytes(firmware_bin([("nvs", "data", 2, 0x9000, 0x6000), ("factory", "app", 0, 0x10000, 0x1F0000)],
                                0x1000))
    code, out, err = run(firmware=str(fw), flash_size="16MB")
    assert code == 0 and out.splitlines()[-1] == f"{esptool} write-flash 0x200000 {img}"
    assert f"warning: {img} is 0xde0000 bytes but the `vfs` partition of the layout in {fw} is 0xe00000" in err
    # ... sized to the flash esptool detected (8 MB, set above)
    eight = blank(tmp_path, 0x600000, "8.img")
    code, out, err = flash_cli.main("esp32", "/dev/ttyUSB0", str(eight), firmware=str(fw), dry_run=True,
                                    table="board"), *capsys.readouterr()
    assert code == 0 and "warning" not in err, err
    assert out.splitlines() == [f"{esptool} write-flash 0x1000 {fw}", f"{esptool} write-flash 0x200000 {eight}"]
    assert f"the layout in {fw}: `vfs` at 0x200000, 0x600000 bytes" in err
    # an erased board, and a board esptool cannot reach: said, nothing written
    blank(tmp_path, 0xC00, "erased.bin")
    monkeypatch.setenv("FAKE_TABLE", str(tmp_path / "erased.bin"))
    code, out, err = run()
    assert code == 2 and not out and "no partition table at 0x8000" in err
    monkeypatch.setenv("FAKE_FAIL", "1")
    code, out, err = run()
    assert code == 2 and not out and "could not read the board's partition table" in err
    assert "Could not open the port" in err
