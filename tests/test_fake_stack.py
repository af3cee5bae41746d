"""usocket, dataCall and checkNet over a fake network stack handed to the
board (tests/fakestack.py): the cases in tests/board/fake_stack_cases.py run
in ONE interpreter per runtime (tests/inproc/host.py), each on a fresh board."""

from pathlib import Path

import pytest

from inproc.host import CaseFile

CASES = CaseFile(Path(__file__).parent / "board" / "fake_stack_cases.py")


@pytest.mark.parametrize("runtime,name", CASES.params())
def test_fake_stack(runtime, name, tmp_path_factory):
    CASES.check(runtime, name, tmp_path_factory)
