"""On CPython the u-modules behave as MicroPython's builtins do where an app
notices: the same snippet, on both runtimes, prints the same thing.

Sources: MicroPython's library reference (docs.micropython.org, `sys`,
`gc`, `binascii`, `collections`, `struct`), which QuecPython's firmware
builds in (QuecPython/micropython v1.0.0, a MicroPython 1.25 base), and the
results of the `micropython` unix port these tests also run on.

The cases that need no board process of their own are in
tests/inproc/parity_cases.py (with test_leniency.py's queue case), run in
ONE interpreter per runtime (tests/inproc/host.py); print_exception stays
here: MicroPython writes it to the real stdout, which no case captures."""

from pathlib import Path

import pytest

from inproc.host import CaseFile

CASES = CaseFile(Path(__file__).parent / "inproc" / "parity_cases.py")


@pytest.mark.parametrize("runtime,name", CASES.params())
def test_in_process(runtime, name, tmp_path_factory):
    CASES.check(runtime, name, tmp_path_factory)


def test_usys_print_exception_reports_and_carries_on(board):
    # MicroPython docs, library/sys.html: print_exception(exc, file=sys.stdout)
    # prints the traceback to a stream, stdout by default. An app's handler
    # calling it must not turn a handled error into a crash.
    r = board.run("""
import usys, uio
def boom():
    raise ValueError('boom')
try:
    boom()
except Exception as e:
    usys.print_exception(e)
    b = uio.StringIO()
    usys.print_exception(e, b)
    t = b.getvalue()
    print('file', t.startswith('Traceback (most recent call last):'), t.rstrip().endswith('ValueError: boom'))
print('after', 'handled')
""")
    assert r.code == 0, r
    assert r.value("file") == "True True"
    assert r.value("after") == "handled"
    out = r.out.splitlines()
    assert "Traceback (most recent call last):" in out  # on stdout, the default file
    assert "ValueError: boom" in out