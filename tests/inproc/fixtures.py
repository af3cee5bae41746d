"""`inboard`: the `board` fixture's run() in-process. For a test that runs an
app to its end and reads its transcript, with no control channel, no host
peer driven while it runs, no CLI check and no second power-on of its flash:
each run() is ONE interpreter (tests/inproc/runner.py) with the app as
/usr/main.py on a fresh board built from its config (run_apps), where
Board.run costs `qpyshim run` and the board's interpreter. Import it into a
test module (`from inproc.fixtures import inboard`); it takes the `runtime`
parameter as `board` does."""

import pytest

from inproc.host import run_app


class InprocBoard:
    def __init__(self, tmp_path, runtime):
        self.tmp = tmp_path
        self.runtime = runtime
        self._n = 0

    def run(self, source, net=None, files=None, timeout=30):
        """Run to the end: a Result, as Board.run gives (code 0: the app ended
        normally; 1: it raised, the traceback in err)."""
        self._n += 1
        return run_app(self.runtime, self.tmp / f"run{self._n}", source, net, files, timeout)


@pytest.fixture
def inboard(tmp_path, runtime):
    return InprocBoard(tmp_path, runtime)
