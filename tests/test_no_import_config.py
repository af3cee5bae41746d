"""No shim module reads the board config (or picks a network stack) when it
is imported: tests/board/import_all.py imports every one with the board and
the port's config out of reach, on micropython, CPython and the ESP32 port
(micropython with tests/esp32's stand-ins). A module that cannot load on an
interpreter (the other ports') is skipped there; the core ones must load."""

import subprocess
import sys
from pathlib import Path

import pytest

from qpyshim.runner import interpreter

SCRIPT = Path(__file__).parent / "board" / "import_all.py"
# Must import cleanly on every run: QuecPython's modules and the board's state.
CORE = ("shim.usocket", "shim.dataCall", "shim.checkNet", "shim._lib.modem", "shim._lib.limits", "shim._lib.board",
        "shim._lib.sockcalls", "shim._lib.firewall", "shim._thread", "shim.net", "shim.sim", "shim.modem",
        "shim.misc", "shim._lib.adc", "shim._lib.uart", "shim._lib.mqtt", "shim.umqtt", "shim._lib.nic", "shim.ethernet")
RUNS = {"micropython": ("micropython", []), "cpython": ("cpython", []), "esp32": ("micropython", ["--esp32"])}
DESKTOP = ("shim._desktop.vnet", "shim._desktop.control", "shim._desktop.fs_flash")


@pytest.mark.parametrize("run", list(RUNS))
def test_nothing_reads_config_at_import(run):
    runtime, args = RUNS[run]
    p = subprocess.run([interpreter(runtime), str(SCRIPT), *args], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    got = {}
    for line in p.stdout.splitlines():
        word, name = line.split(" ", 2)[:2]
        got[name] = line
    readers = [line for line in got.values() if line.startswith("config ")]
    assert not readers, "read the config at import:\n" + "\n".join(readers)
    core = CORE + (() if run == "esp32" else DESKTOP)
    for name in core:
        assert got.get(name, "").startswith("ok "), got.get(name, f"{name}: not imported")
    assert len([n for n in got if n.startswith("shim._modems.")]) >= 10  # the drivers too


def test_the_check_catches_a_reader(tmp_path):
    """The script sees a module that reads its config at import."""
    import shutil

    root = Path(__file__).resolve().parent.parent
    shutil.copytree(root / "shim", tmp_path / "shim", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "tests" / "board").mkdir(parents=True)
    shutil.copy(SCRIPT, tmp_path / "tests" / "board" / "import_all.py")
    with open(tmp_path / "shim" / "_lib" / "nic.py", "a") as f:
        f.write("\nfrom . import config as _c2\n_c2.section('nics')\n")
    p = subprocess.run([sys.executable, str(tmp_path / "tests" / "board" / "import_all.py")],
                       capture_output=True, text=True, timeout=60)
    assert "config shim._lib.nic" in p.stdout.splitlines(), p.stdout + p.stderr
