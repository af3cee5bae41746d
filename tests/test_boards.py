"""Getting an app onto a board: filesystem images (mounted by the unix port's
VfsLfs2 and run from there), esptool command lines, the frozen-firmware
manifest and its build, and boot.py on a Quectel module."""

import json
import os
import subprocess
import sys

import pytest
from littlefs import LittleFS

from conftest import EXAMPLES, QPYSHIM, ROOT
from esp32_board import WIFI, run
from qpyshim import boardfiles, firmware, runner, shipping


ESP32 = boardfiles.target(boardfiles.load_config("esp32"))


def qpyshim(*args, env=None, timeout=60):
    return subprocess.run(QPYSHIM + list(args), capture_output=True, text=True, timeout=timeout,
                          cwd=ROOT, env=env)


def wifi_config(tmp_path):
    p = tmp_path / "wifi.json"
    p.write_text(json.dumps(WIFI))
    return str(p)


def files_in(image, size):
    fs = LittleFS(block_size=4096, block_count=size // 4096, mount=False)
    fs.context.buffer[:] = image.read_bytes()
    fs.mount()
    return sorted(root + "/" + f if root != "/" else "/" + f
                  for root, _, names in fs.walk("/") for f in names)


def test_image_of_the_default_app_mounts_and_runs(tmp_path):
    img = tmp_path / "fs.img"
    p = qpyshim("image", "--board", "esp32", str(EXAMPLES / "echo_demo"), "-o", str(img),
                "--config", wifi_config(tmp_path))
    assert p.returncode == 0, p.stderr
    assert "shim as .mpy" in p.stdout and "0x200000" in p.stdout
    assert img.stat().st_size == 0x200000  # the 4 MiB ESP32_GENERIC vfs partition
    names = files_in(img, 0x200000)
    assert {"/boot.py", "/main.py", "/board.json", "/shim/usocket.mpy", "/usr/main.py",
            "/usr/note.py"} <= set(names)
    assert not [n for n in names if n.startswith(("/shim/_desktop", "/shim/_ports/unix", "/shim/_ports/cpython"))]
    r = run(img, image=True, netns=True)
    assert r.code == 0, r
    assert r.value("emulate: shim from") == "shim/__init__.mpy"  # the compiled shim ran
    assert r.lines.count("[client] recv data: b'1234567890'") == 3, r
    assert "[client] disconnected." in r.lines


def test_image_keeps_source_and_takes_a_size(tmp_path):
    img = tmp_path / "fs8.img"
    app = tmp_path / "hello.py"
    app.write_text("import checkNet\nprint('stages', checkNet.waitNetworkReady(10))\n")
    p = qpyshim("image", "--board", "esp32", str(app), "-o", str(img), "--no-mpy", "--size", "0x600000",
                "--config", wifi_config(tmp_path))
    assert p.returncode == 0, p.stderr
    assert img.stat().st_size == 0x600000  # an 8 MiB board's vfs (1.26+ sizes it to the flash)
    assert "/shim/usocket.py" in files_in(img, 0x600000)
    r = run(img, image=True)
    assert r.value("emulate: shim from") == "shim/__init__.py"
    assert r.value("stages") == (3, 1), r


def test_image_errors_are_clear(tmp_path):
    app = str(EXAMPLES / "echo_demo")
    p = qpyshim("image", app, "-o", str(tmp_path / "a.img"), "--size", "0x8000")
    assert p.returncode == 2 and "do not fit in a 0x8000-byte partition" in p.stderr
    p = qpyshim("image", app, "-o", str(tmp_path / "b.img"), "--size", "5000")
    assert p.returncode == 2 and "multiple of the 4096-byte block" in p.stderr
    p = qpyshim("image", str(tmp_path / "missing"), "-o", str(tmp_path / "c.img"))
    assert p.returncode != 0 and "no such app" in p.stderr
    p = qpyshim("image", "--board", "nosuch", app, "-o", str(tmp_path / "d.img"))
    assert p.returncode != 0 and "unknown board 'nosuch'" in p.stderr
    assert not any(tmp_path.glob("*.img"))


def _image(tmp_path, size=0x200000):
    img = tmp_path / "fs.img"
    img.write_bytes(b"\xff" * size)
    return img


def test_flash_dry_run_prints_esptool_commands(tmp_path):
    img = _image(tmp_path)
    fw = tmp_path / "ESP32_GENERIC-v1.28.0.bin"
    fw.write_bytes(b"\xe9" + bytes(1023))
    p = qpyshim("flash", "--board", "esp32", "--port", "/dev/ttyUSB0", "--firmware", str(fw), "--dry-run",
                str(img))
    assert p.returncode == 0, p.stderr
    esptool = f"{sys.executable} -m esptool --chip esp32 --port /dev/ttyUSB0 --baud 460800"
    assert p.stdout.splitlines() == [
        f"{esptool} write-flash 0x1000 {fw}",
        f"{esptool} write-flash 0x200000 {img}",
    ]
    p = qpyshim("flash", "--port", "/dev/ttyACM0", "--erase", "--baud", "921600", "--dry-run", str(img))
    assert p.stdout.splitlines() == [
        f"{sys.executable} -m esptool --chip esp32 --port /dev/ttyACM0 --baud 921600 erase-flash",
        f"{sys.executable} -m esptool --chip esp32 --port /dev/ttyACM0 --baud 921600 write-flash 0x200000 {img}",
    ]


def test_flash_refuses_what_would_brick_the_board(tmp_path):
    big = _image(tmp_path, 0x300000)
    p = qpyshim("flash", "--port", "/dev/ttyUSB0", "--dry-run", str(big))
    assert p.returncode == 2 and "larger than the board's vfs partition" in p.stderr
    odd = tmp_path / "odd.img"
    odd.write_bytes(bytes(5000))
    p = qpyshim("flash", "--port", "/dev/ttyUSB0", "--dry-run", str(odd))
    assert p.returncode == 2 and "4096-byte blocks" in p.stderr
    p = qpyshim("flash", "--port", "/dev/ttyUSB0", "--firmware", str(tmp_path / "no.bin"), "--dry-run",
                str(_image(tmp_path)))
    assert p.returncode == 2 and "no such file" in p.stderr
    p = qpyshim("flash", "--board", "quectel", "--port", "/dev/ttyUSB0", "--dry-run", str(_image(tmp_path)))
    assert p.returncode == 2 and "not flashed with esptool" in p.stderr


def test_flash_reports_an_esptool_failure(tmp_path):
    p = qpyshim("flash", "--port", str(tmp_path / "no-such-port"), str(_image(tmp_path)), timeout=120)
    assert p.returncode != 0
    assert "[1/1] filesystem image -> 0x200000" in p.stdout
    assert "esptool failed" in p.stderr


def test_firmware_manifest_freezes_the_board_shim():
    frozen = firmware.check_manifest()
    assert ("include", "$(PORT_DIR)/boards/manifest.py") == frozen[0]  # the port's own set first
    names = {n for n, _ in frozen}
    assert {"boot.py", "main.py"} <= names
    shim = {n.split("/", 1)[1] for n in names if n.startswith("shim/")}
    top = {n for n, p in frozen if "/" not in n and getattr(p, "parent", None) and p.parent.name == "shim"}
    on_disk = set(shipping.device_files("esp32"))
    assert shim | top == on_disk  # the manifest and the image agree
    assert top == {m + ".py" for m in shipping.lazy_modules()} and not shim & top  # lazy modules: top-level only
    p = qpyshim("firmware", "--check")
    assert p.returncode == 0 and "all present" in p.stdout


def test_firmware_says_what_is_missing(tmp_path):
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + ":/usr/bin:/bin")
    env.pop("MICROPY_DIR", None)
    p = qpyshim("firmware", env=env)
    assert p.returncode == 2
    assert "a MicroPython checkout" in p.stderr and "ESP-IDF: idf.py is not on PATH" in p.stderr
    p = subprocess.run(["make", "-s", "firmware", "MICROPY_DIR=" + str(tmp_path)], capture_output=True,
                       text=True, cwd=ROOT, env=env, timeout=120)
    assert p.returncode != 0
    assert f"{tmp_path} is not a MicroPython checkout" in p.stderr


def _fake_checkout(tmp_path, minor, idf):
    mpy = tmp_path / "micropython"
    (mpy / "ports" / "esp32").mkdir(parents=True)
    (mpy / "ports" / "esp32" / "Makefile").write_text("")
    (mpy / "py").mkdir()
    (mpy / "py" / "mpconfig.h").write_text(
        f"#define MICROPY_VERSION_MAJOR 1\n#define MICROPY_VERSION_MINOR {minor}\n")
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    (bin_ / "idf.py").write_text(f"#!/bin/sh\necho 'ESP-IDF {idf}'\n")
    (bin_ / "idf.py").chmod(0o755)
    return mpy, dict(os.environ, PATH=f"{bin_}:{os.environ['PATH']}")


def test_firmware_build_commands(tmp_path):
    mpy, env = _fake_checkout(tmp_path, 28, "v5.5.1")
    p = qpyshim("firmware", "--micropython-dir", str(mpy), "--dry-run", env=env)
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines()[1:] == [
        f"make -C {mpy}/mpy-cross",
        f"make -C {mpy}/ports/esp32 BOARD=ESP32_GENERIC submodules",
        f"make -C {mpy}/ports/esp32 BOARD=ESP32_GENERIC FROZEN_MANIFEST={ROOT}/firmware/manifest.py",
    ]
    assert "warning" not in p.stderr
    mpy, env = _fake_checkout(tmp_path / "old", 28, "v5.0.4")
    p = qpyshim("firmware", "--micropython-dir", str(mpy), "--dry-run", env=env)
    assert "MicroPython 1.28 is built with ESP-IDF v5.5.1" in p.stderr


QUECTEL_BOOT = r'''
import sys
class uos:
    @staticmethod
    def uname():
        return ("sysname=EC600U-CNLB", "nodename=EC600U", "release=1.13.0")
class dataCall:  # the module's own, built in
    native = True
sys.modules["uos"] = uos
sys.modules["dataCall"] = dataCall
exec(open("boot.py").read())
import dataCall
print("native", getattr(dataCall, "native", False), "shim" in sys.modules)
'''


@pytest.mark.parametrize("quectel", [True, False])
def test_boot_py_leaves_a_quectel_module_alone(quectel):
    src = QUECTEL_BOOT if quectel else QUECTEL_BOOT.replace('sys.modules["uos"] = uos\n', "").replace(
        'sys.modules["dataCall"] = dataCall\n', "")
    p = subprocess.run([runner.interpreter("micropython"), "-c", src], capture_output=True, text=True,
                       cwd=ROOT, timeout=30)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == ("native True False" if quectel else "native False True")
