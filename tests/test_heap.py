"""The shim's heap where an app starts (issue 16): on the MicroPython unix
port, with the board's file set compiled to .mpy, the app's first line finds
at most 16 KB more of the heap taken than the bare interpreter does, measured
as `make bench` measures it (bench/heap.py, the flash of bench/startup.py);
and what boot leaves loaded is the short list below, so that an app pays for
a module only when it uses it."""

import ast
import subprocess
import sys

import pytest

from qpyshim import paths

sys.path.insert(0, str(paths.ROOT / "bench"))
import heap  # noqa: E402
import startup  # noqa: E402

# What boot.py and main.py leave loaded when the app's first line runs: the
# package and its stand-ins (shim/__init__.py), the port seam and the unix
# port's boot part, the app runner, osTimer (its import is the class), and
# the loader whose lock every later first load takes (shim/_lib/later.py).
BOOT_SET = {"shim", "shim._lib", "shim._lib.app", "shim._lib.later", "shim._ports", "shim._ports.unix",
            "shim.osTimer"}

SHIM_MODULES = "import sys\nprint(sorted(m for m in sys.modules if m.startswith('shim')))\n"
IMPORT_ONLY = heap.APPS[heap.FIRST] + "import usocket, dataCall, checkNet, _thread, utime\n" + heap.APPS[heap.FIRST]


@pytest.fixture(scope="module")
def boards():
    with startup.Boards() as b:
        yield b


def _run(boards, app):
    cmd, env, flash = boards.runs["mpy"]
    main = flash / "usr" / "main.py"
    was = main.read_bytes()
    main.write_text(app)
    try:
        p = subprocess.run(cmd, env=env, cwd=flash, stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=heap.RUN_S)
    finally:
        main.write_bytes(was)
    assert p.returncode == 0, p.stdout + p.stderr
    return p.stdout.splitlines()


def test_first_line_heap_is_at_most_16_kb(boards):
    bare = heap.bare()
    shim = heap.shim(boards, heap.FIRST)
    assert shim - bare <= heap.LIMIT[heap.FIRST], (
        f"the shim holds {shim - bare} bytes at the app's first line (bare {bare}, shim {shim}); "
        f"the limit is {heap.LIMIT[heap.FIRST]}: load it at first use instead (shim/__init__.py)")


def test_boot_leaves_only_the_boot_set_loaded(boards):
    got = set(ast.literal_eval(_run(boards, SHIM_MODULES)[-1]))
    assert got == BOOT_SET, f"boot loaded {sorted(got - BOOT_SET)}, left out {sorted(BOOT_SET - got)}"


def test_importing_loads_nothing_until_first_use(boards):
    before, after = map(int, _run(boards, IMPORT_ONLY))
    assert after - before <= 256, (before, after)  # the stand-ins are there already: no module loads


def test_a_stand_in_is_the_module_to_the_app(board):
    # What the app does with a module shim.install() left a stand-in for:
    # star imports (the names loaded on first use too), a module global set
    # from outside, a thread's first use, and the class osTimer is.
    r = board.run("""
import _thread, osTimer
import utime
from usocket import *
from dataCall import *
print('star', AF_INET, setPDPContext.__name__, getInfo.__name__)
utime._tz = 8
print('tz', utime.getTimeZone(), utime.localtime(0)[3])
utime._tz = 0
print('class', isinstance(osTimer, type))
got = []
lock = _thread.allocate_lock()
lock.acquire()
def first_use():
    import uos
    got.append(uos.getcwd())
    lock.release()
_thread.start_new_thread(first_use, ())
lock.acquire()
print('thread', got)
""")
    assert r.code == 0, r
    assert r.value("star") == "2 setPDPContext getInfo"
    assert r.value("tz") == "8 8"
    assert r.value("class") is True
    assert r.value("thread") == ["/"]


def test_the_board_powers_on_once_for_threads_that_ask_at_once(board):
    # The board powers on at its first use, which may be two app threads' at
    # the same moment: the second waits for the power-on, never sees a half
    # built board.
    r = board.run("""
import _thread, dataCall, usocket
got = []
lock = _thread.allocate_lock()
def first(n):
    try:
        if n % 2:
            got.append(dataCall.getInfo(1, 0)[2][0])
        else:
            s = usocket.socket()
            s.close()
            got.append(1)
    except Exception as e:
        got.append(repr(e))
for n in range(4):
    _thread.start_new_thread(first, (n,))
import utime
for _ in range(500):
    if len(got) == 4:
        break
    utime.sleep_ms(10)
print('got', sorted(str(g) for g in got))
""")
    assert r.code == 0, r
    assert r.value("got") == ["1", "1", "1", "1"]
