"""The registry of dialects (qpyshim/dialects.py) is the one place that
knows the modems: each entry has its simulator and its driver, each driver
folder on the board has its entry, and no code outside a dialect's own
folders names a dialect (issue 15's Done-when, as a test)."""

import re

from conftest import ROOT
from qpyshim import dialects
from shim._modems import driver

CODE = ("qpyshim", "shim", "bench", "tests")


def _own(name):
    return [ROOT / "qpyshim" / "modemsim" / name, ROOT / "shim" / "_modems" / name, ROOT / "tests" / "dialects" / name]


def test_every_entry_has_its_simulator_and_driver():
    for d in dialects.all():
        assert d.simulator_class().NAME == d.name, d
        assert d.device is None, d  # the built-in ones ship with the shim
        assert driver(d.name).NAME == d.name, d


def test_every_driver_folder_has_an_entry():
    folders = {p.parent.name for p in (ROOT / "shim" / "_modems").glob("*/__init__.py")}
    assert folders == set(dialects.names())


def test_no_code_outside_a_dialects_folders_names_it():
    found = []
    for d in dialects.all():
        word = re.compile(r"(?<![A-Za-z0-9_])%s(?![A-Za-z0-9_])" % re.escape(d.name), re.I)
        own = _own(d.name)
        for top in CODE:
            for p in sorted((ROOT / top).rglob("*.py")):
                if any(p.is_relative_to(o) for o in own) or "__pycache__" in p.parts:
                    continue
                for n, line in enumerate(p.read_text(errors="replace").splitlines(), 1):
                    if word.search(line):
                        found.append(f"{p.relative_to(ROOT)}:{n}: {line.strip()}")
    found = sorted(set(found))
    assert found == [], "\n".join(found)
