"""The device files sit at the repository's root, where a board, mip
(package.json) and the firmware build (firmware/manifest.py) expect them. A
built package carries them as package data, laid out as at the root, under
qpyshim/_device/, where qpyshim/paths.py finds them through
importlib.resources. The rest of the configuration is in pyproject.toml.

setuptools' declarative package-data only takes files inside a package's own
folder, and mapping a package onto the root folder would make every root
module part of it, so this step copies them instead."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
# Everything the host code reads from the device tree at run time.
DEVICE = ("shim", "boards", "boot.py", "main.py", "firmware/manifest.py")
TARGET = ("qpyshim", "_device")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo")


class BuildPyWithDevice(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install finds them in the checkout itself
        dest = Path(self.build_lib, *TARGET)
        shutil.rmtree(dest, ignore_errors=True)  # nothing left from an earlier build
        for name in DEVICE:
            src = HERE / name
            if src.is_dir():
                shutil.copytree(src, dest / name, ignore=SKIP, dirs_exist_ok=True)
            else:
                (dest / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dest / name)


setup(cmdclass={"build_py": BuildPyWithDevice})
