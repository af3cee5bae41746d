"""The in-process runner itself (tests/inproc/): a case that fails fails
alone with its traceback and transcript, one that hangs is killed after its
timeout and the cases after it still run, a skip is a skip, and what a case
prints reads back as qpyshim.testing.Result reads an app's output."""

import pytest

from inproc.host import case_names, run_cases

CASES = '''
from inkit import Skip


def case_values(r):
    print('t', (1, b'a', None, [True, -2.5e3]))
    print('s', 'KeyError')
    print('txt', '127.0.0.1')
    assert r.value('t') == (1, b'a', None, [True, -2500.0]), r
    assert r.value('s') == 'KeyError' and r.value('txt') == '127.0.0.1', r


def case_fails(r):
    print('y', 1)
    assert r.value('y') == 2, r


def case_hangs(r):
    import _thread
    lock = _thread.allocate_lock()
    lock.acquire()
    lock.acquire()


def case_skips(r):
    raise Skip('not here')


def case_after(r):
    import usocket
    s = usocket.socket()
    print('made', s.getsocketsta())
    assert r.value('made') == 0
'''


@pytest.mark.parametrize("runtime", ["micropython", "cpython"])
def test_outcomes_per_case(runtime, tmp_path):
    path = tmp_path / "cases" / "self_cases.py"
    path.parent.mkdir()
    path.write_text(CASES)
    assert case_names(path) == ["case_values", "case_fails", "case_hangs", "case_skips", "case_after"]
    got = run_cases(path, runtime, tmp_path / "work", case_timeout=3)
    assert got["case_values"]["ok"], got["case_values"]
    assert not got["case_fails"]["ok"]
    assert "AssertionError" in got["case_fails"]["tb"] and "y 1" in got["case_fails"]["tb"]
    assert got["case_fails"]["out"] == "y 1\n"
    assert not got["case_hangs"]["ok"] and "no end within 3 s" in got["case_hangs"]["tb"]
    assert got["case_skips"]["skip"] == "not here"
    assert got["case_after"]["ok"], got["case_after"]
