"""Whole apps in-process (tests/inproc/host.py run_apps, app_cases.py; the
runner's fresh board per case): each app runs on a board built from its own
config, on empty flash holding its main.py and files, with the clock as a new
process has it; one that raises (or exits with a status other than 0) ends with code 1 and
its traceback, and the apps after it still run. Both runtimes."""

import pytest

from inproc.host import run_apps

RUNTIMES = ("micropython", "cpython")

APPS = {
    "nosim": {"source": "import sim\nprint('sim', sim.getStatus())\n", "net": {"sim": {"status": 0}}},
    "writes": {"source": """
import uos, ql_fs, utime, machine
ql_fs.touch('/usr/left.json', {'a': 1})
print('usr', sorted(uos.listdir('/usr')))
print('mine', (open('/usr/pkg/x.py').read(), open('/usr/pkg/sub/y.py').read()))
machine.RTC().datetime((2001, 2, 3, 6, 4, 5, 6, 0))
utime.setTimeZone(5)
print('year', utime.localtime()[0])
""", "files": {"pkg/x.py": "X = 1\n", "pkg/sub/y.py": "Y = 2\n"}},
    "exits": {"source": "import sys\nprint('bye', 1)\nsys.exit(0)\nprint('never', 1)\n"},
    "fails": {"source": "import sys\nsys.exit(3)\n"},
    "raises": {"source": "print('before', 1)\nraise ValueError('boom')\n"},
    "sim": {"source": "import sim\nprint('sim', sim.getStatus())\n"},
    "fresh": {"source": """
import uos, utime
print('usr', sorted(uos.listdir('/usr')))
print('year', utime.localtime()[0] >= 2024, utime.getTimeZone())
print('err', err(int, 'x')[0])
"""},
}


@pytest.fixture(scope="module", params=RUNTIMES)
def got(request, tmp_path_factory):
    from conftest import Result

    rt = request.param
    out = run_apps(APPS, rt, tmp_path_factory.mktemp("apps-" + rt), case_timeout=30)
    return {k: Result(v["code"], v["out"], v["err"]) for k, v in out.items()}


def test_each_app_has_its_own_config(got):
    assert got["nosim"].code == 0 and got["nosim"].value("sim") == 0, got["nosim"]
    assert got["sim"].code == 0 and got["sim"].value("sim") == 1, got["sim"]  # a new board, not nosim's


def test_flash_holds_the_app_and_its_files_then_is_empty_again(got):
    r = got["writes"]
    assert r.code == 0, r
    assert r.value("usr") == ["left.json", "main.py", "pkg"]
    assert r.value("mine") == ("X = 1\n", "Y = 2\n")
    assert r.value("year") == 2001
    assert got["fresh"].value("usr") == ["main.py"], got["fresh"]


def test_the_clock_is_a_new_processs(got):
    assert got["fresh"].value("year") == "True 0", got["fresh"]


def test_an_app_that_raises_ends_with_code_1_and_the_rest_run(got):
    r = got["raises"]
    assert r.code == 1 and r.value("before") == 1, r
    assert "ValueError: boom" in r.err, r
    assert got["fresh"].code == 0 and got["fresh"].value("err") == "ValueError"  # conftest's PRELUDE


def test_sys_exit_is_the_apps_status(got):
    r = got["exits"]
    assert r.code == 0 and r.value("bye") == 1 and "never" not in r.out, r
    assert got["fails"].code == 1 and "status 3" in got["fails"].err, got["fails"]
