"""usocket behaves as QuecPython documents it: one case per behaviour in
tests/inproc/usocket_cases.py, all run in ONE board interpreter per runtime
(tests/inproc/host.py); each case passes or fails as a test of its own."""

from pathlib import Path

import pytest

from inproc.host import CaseFile

CASES = CaseFile(Path(__file__).parent / "inproc" / "usocket_cases.py")


@pytest.mark.parametrize("runtime,name", CASES.params())
def test_usocket(runtime, name, tmp_path_factory):
    CASES.check(runtime, name, tmp_path_factory)
