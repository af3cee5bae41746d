"""The ESP32 stand-ins (tests/esp32/) against MicroPython's published ESP32
stubs (qpyshim.standincheck): no mismatch, the stubs pinned, the allowlists
all in use, a wrong stand-in caught; and the ESP32 port's errno table
against the board's own errno numbers as the stubs list them."""

import re
import shutil
from importlib import metadata

import pytest

from qpyshim import paths, standincheck


@pytest.fixture(scope="module")
def report():
    try:
        return standincheck.run_check()
    except metadata.PackageNotFoundError:
        pytest.fail("micropython-esp32-stubs is not installed: pip install -e '.[test]'")


def test_standins_match_the_esp32_stubs(report):
    assert standincheck.mismatches(report) == []
    checked = sum(1 for items in report.values() for i in items if not i["omitted"])
    assert checked > 100  # the scope was read, not skipped


def test_the_stubs_are_pinned_to_one_version():
    text = (paths.ROOT / "pyproject.toml").read_text()
    pins = re.findall(r'"micropython-esp32-stubs==([^"]+)"', text)
    assert pins == [standincheck.stubs_version()], "pyproject.toml's pin and the installed stubs differ"
    # the firmware boards/esp32/README.md documents is the stubs' version
    firmware = ".".join(pins[0].split(".")[:2])
    assert f"MicroPython {firmware}" in (paths.ROOT / "boards" / "esp32" / "README.md").read_text()


def test_every_allowlist_entry_is_used(report):
    omitted = {(m, i["name"]) for m, items in report.items() for i in items if i["omitted"]}
    for module, pats in standincheck.LEFT_OUT.items():
        for pat in pats:
            assert any(m == module and standincheck.fnmatch.fnmatchcase(n, pat) for m, n in omitted), \
                f"{module}: {pat} matches nothing the stubs have: drop it from LEFT_OUT"
    allowed = {(m, i["name"], a.split(": ")[0]) for m, items in report.items() for i in items
               for a in i["allowed"]}
    for key in standincheck.DIFFERS:
        assert key in allowed, f"{key} is no longer a difference: drop it from DIFFERS"


WRONG = {
    # numbers the old stand-ins had: Linux's/guessed, not the board's
    "esp32_machine.py": [("    RTS = 1\n    CTS = 2\n", "    RTS = 2\n    CTS = 1\n"),
                         ("def __init__(self, id, mode=-1, pull=-1,", "def __init__(self, id, mode=None, pull=-1,")],
    "network.py": [("PHY_LAN8720 = 1\n", "PHY_LAN8720 = 0\n")],
    "esp32_socket.py": [("MSG_PEEK = 0x01\n", ""),
                        ("    def recv(self, n):", "    def recv(self, n, flags):")],
}


def test_a_wrong_standin_is_caught(tmp_path):
    for f in standincheck.STANDINS.glob("*.py"):
        shutil.copy(f, tmp_path / f.name)
    for name, edits in WRONG.items():
        p = tmp_path / name
        text = p.read_text()
        for old, new in edits:
            assert old in text, (name, old)
            text = text.replace(old, new)
        p.write_text(text)
    found = standincheck.mismatches(standincheck.run_check(tmp_path))
    assert sorted(found) == sorted([
        "machine: UART.RTS: is 2, the board's is 1",
        "machine: UART.CTS: is 1, the board's is 2",
        "machine: Pin.__init__: default of 'mode' is None, the stub's is -1",
        "network: PHY_LAN8720: is 0, the board's is 1",
        "socket: constant MSG_PEEK is missing",
        "socket: socket.recv: requires 'flags', which the stub does not have",
    ])
    assert standincheck.main.__module__ == "qpyshim.standincheck"


def _params(src):
    import ast

    fn = ast.parse(src).body[0]
    return standincheck._params(fn, False, {})


def test_the_comparison_reads_overloads_and_keywords():
    stub = [_params("def f(a, b=8, /, *, c=None): ..."), _params("def f(a, /): ...")]
    assert standincheck.compare(stub, _params("def f(x, b=8, c=None): pass")) == ([], [])
    bad, _ = standincheck.compare(stub, _params("def f(x, b=9): pass"))
    assert bad == ["default of 'b' is 9, the stub's is 8", "takes no keyword 'c'"]
    bad, _ = standincheck.compare(stub, _params("def f(x, b): pass"))
    assert bad == ["'b' is required; the stub's default is 8", "takes no keyword 'c'",
                   "requires 'b', which the stub does not have"]  # the one-argument overload
    named = [_params("def f(ssid=None, password=None): ...")]
    bad, _ = standincheck.compare(named, _params("def f(ssid=None, key=None): pass"))
    assert bad == ["parameter 2 is 'key', the stub's is 'password' (callers may pass it by name)"]
    assert standincheck.compare(named, _params("def f(*a, **kw): pass")) == ([], [])


def test_errno_table_turns_the_boards_numbers_into_quecpythons():
    board = standincheck.board_errno()  # the v1.29 ESP32_GENERIC firmware's errno module
    table = standincheck.port_errno()
    # newlib's numbers (newlib/libc/include/sys/errno.h), as boards/esp32/README.md cites
    assert {k: board[k] for k in ("ETIMEDOUT", "EINPROGRESS", "EALREADY", "EADDRINUSE", "ECONNABORTED",
                                  "EHOSTUNREACH", "ENOTCONN", "ECONNRESET", "ECONNREFUSED", "EAGAIN")} == {
        "ETIMEDOUT": 116, "EINPROGRESS": 119, "EALREADY": 120, "EADDRINUSE": 112, "ECONNABORTED": 113,
        "EHOSTUNREACH": 118, "ENOTCONN": 128, "ECONNRESET": 104, "ECONNREFUSED": 111, "EAGAIN": 11}
    for name, n in board.items():
        assert table.get(n, n) == standincheck.QUECPYTHON_ERRNO[name], name
    # only numbers that differ, each a number the board raises for another name
    assert all(k != v for k, v in table.items())
