"""`qpyshim modem --link PATH`: the link goes with the modem however it
stops (Ctrl-C, SIGTERM, SIGHUP, its own end, an error, SIGKILL), and the
modem never removes or takes over a path that is not its own link."""

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from conftest import QPYSHIM, ROOT
from qpyshim import dialects

ONE = dialects.names()[0]


def _poll(cond, timeout=10):
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


class Modem:
    """One `qpyshim modem --link` process; its standard error is collected
    by a thread, so a wait for a line has a timeout."""

    def __init__(self, link, stdin=subprocess.PIPE, argv=None):
        self.proc = subprocess.Popen(argv or QPYSHIM + ["modem", ONE, "--link", str(link)], stdin=stdin,
                                     stderr=subprocess.PIPE, text=True, cwd=ROOT, start_new_session=True)
        self.lines = []
        self.seen = threading.Condition()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in self.proc.stderr:
            with self.seen:
                self.lines.append(line.rstrip("\n"))
                self.seen.notify_all()

    def wait_for(self, text, timeout=30):
        with self.seen:
            assert self.seen.wait_for(lambda: any(text in ln for ln in self.lines), timeout), self.lines

    def pty(self):
        self.wait_for(" modem on /dev/")
        return next(ln for ln in self.lines if " modem on " in ln).split(" modem on ")[1].split(";")[0]

    def end(self, timeout=15):
        try:
            return self.proc.wait(timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(5)


@pytest.fixture
def modems():
    made = []

    def start(*args, **kw):
        m = Modem(*args, **kw)
        made.append(m)
        return m

    yield start
    for m in made:
        if m.proc.poll() is None:
            m.proc.kill()
            m.proc.wait(5)


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 0), (signal.SIGTERM, 128 + signal.SIGTERM),
                                      (signal.SIGHUP, 128 + signal.SIGHUP)])
@pytest.mark.parametrize("stdin", ["open", "closed"])
def test_the_link_goes_on_every_stop_signal(tmp_path, modems, sig, code, stdin):
    # Standard input open: the modem reads fault names; closed: it waits on
    # its simulator. A signal stops it the same in both.
    link = tmp_path / "modem"
    m = modems(link, stdin=subprocess.PIPE if stdin == "open" else subprocess.DEVNULL)
    pty = m.pty()
    assert os.readlink(link) == pty
    m.proc.send_signal(sig)
    assert m.end() == code, m.lines
    assert not os.path.lexists(link), m.lines


def test_a_signal_as_soon_as_the_link_is_there_still_removes_it(tmp_path, modems):
    # The stop signals are caught before the link is made: there is no
    # moment when one kills the modem and leaves the link.
    link = tmp_path / "modem"
    m = modems(link)
    assert _poll(lambda: os.path.lexists(link)), m.lines
    m.proc.send_signal(signal.SIGHUP)
    assert m.end() == 128 + signal.SIGHUP, m.lines
    assert not os.path.lexists(link), m.lines


def test_sigkill_leaves_no_link(tmp_path, modems):
    # SIGKILL runs none of the modem's code: its watcher removes the link.
    link = tmp_path / "modem"
    m = modems(link)
    m.pty()
    m.proc.kill()
    m.end()
    assert _poll(lambda: not os.path.lexists(link)), m.lines


_ENDS = {
    "returns": "return None",
    "raises": "raise RuntimeError('the simulator broke')",
}


@pytest.mark.parametrize("how", sorted(_ENDS))
def test_the_link_goes_when_the_modem_ends_or_fails_after_making_it(tmp_path, modems, how):
    # The simulator's serving loop is replaced by one that checks the link
    # is there, then ends or fails: the link goes either way.
    link = tmp_path / "modem"
    script = textwrap.dedent(f"""
        import os, sys
        from qpyshim.modemsim import cli as modem_cli
        def serve(args, cfg, line, stack):
            assert os.readlink({str(link)!r}) == line.path
            print("serving", file=sys.stderr, flush=True)
            {_ENDS[how]}
        modem_cli._serve = serve
        from qpyshim.cli import main
        raise SystemExit(main(["modem", {ONE!r}, "--link", {str(link)!r}]))
    """)
    m = modems(link, argv=[sys.executable, "-c", script])
    code = m.end()
    assert "serving" in m.lines, m.lines
    if how == "raises":
        assert code == 1 and any("the simulator broke" in ln for ln in m.lines), m.lines
    else:
        assert code == 0, m.lines
    assert not os.path.lexists(link), m.lines


@pytest.mark.parametrize("kind", ["file", "folder", "live link", "link to a file that is gone"])
def test_a_path_that_is_not_its_link_is_refused_and_kept(tmp_path, modems, kind):
    link = tmp_path / "modem"
    if kind == "file":
        link.write_text("mine")
    elif kind == "folder":
        link.mkdir()
        (link / "f").write_text("mine")
    elif kind == "live link":
        (tmp_path / "target").write_text("mine")
        link.symlink_to(tmp_path / "target")
    else:
        link.symlink_to(tmp_path / "gone")

    def state():
        if link.is_symlink():
            return os.readlink(link)
        return (link / "f").read_text() if link.is_dir() else link.read_text()

    before = state()
    m = modems(link, stdin=subprocess.DEVNULL)
    assert m.end() == 2, m.lines
    assert any(f"--link {link}: already exists" in ln for ln in m.lines), m.lines
    assert state() == before


def _gone_pty():
    # A pty path that does not exist now: what a killed modem's link points at.
    n = 4000
    while os.path.exists(f"/dev/pts/{n}"):
        n += 1
    return f"/dev/pts/{n}"


@pytest.mark.skipif(not os.path.isdir("/dev/pts"), reason="Linux pty paths")
def test_a_stale_link_to_a_gone_pty_is_replaced_and_said(tmp_path, modems):
    link = tmp_path / "modem"
    old = _gone_pty()
    link.symlink_to(old)
    m = modems(link)
    pty = m.pty()
    assert os.readlink(link) == pty
    assert any(f"replacing a stale link to {old}" in ln for ln in m.lines), m.lines
    m.proc.send_signal(signal.SIGINT)
    assert m.end() == 0, m.lines
    assert not os.path.lexists(link)


def test_a_link_taken_over_meanwhile_is_not_removed(tmp_path, modems):
    # Someone points the path elsewhere while the modem runs: on its way out
    # the modem removes only a link to its own pty.
    link = tmp_path / "modem"
    m = modems(link)
    m.pty()
    link.unlink()
    link.symlink_to(tmp_path / "elsewhere")
    m.proc.send_signal(signal.SIGTERM)
    assert m.end() == 128 + signal.SIGTERM, m.lines
    assert os.readlink(link) == str(tmp_path / "elsewhere")


def test_the_watcher_leaves_a_link_that_is_no_longer_ours(tmp_path):
    """A command SIGKILLed after another took its --link path over: its
    watcher removes the path only while it still points at its own pty."""
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    os.symlink("/dev/pts/ours-was-here", ours)
    os.symlink("/dev/pts/someone-else", theirs)
    code = ("import os, sys; sys.path.insert(0, sys.argv[1]); from qpyshim import lifeline\n"
            "w = lifeline.Lifeline(); w.add(links=[(sys.argv[2], '/dev/pts/ours-was-here'),"
            " (sys.argv[3], '/dev/pts/ours-too')])\n"
            "print(w._proc.pid, flush=True); os._exit(9)\n")
    p = subprocess.run([sys.executable, "-c", code, str(ROOT), str(ours), str(theirs)],
                       capture_output=True, text=True, timeout=30)
    watcher = int(p.stdout.split()[0])
    # The watcher is in a session of its own, not our child: its end shows in /proc.
    assert _poll(lambda: not os.path.exists(f"/proc/{watcher}"), timeout=20)
    assert not os.path.lexists(ours)
    assert os.readlink(theirs) == "/dev/pts/someone-else"


def test_board_link_never_takes_a_users_file(tmp_path):
    """`qpyshim board --link PATH` uses the same rule: a file at PATH is the
    user's, refused and left as it was."""
    mine = tmp_path / "notes.txt"
    mine.write_text("precious\n")
    p = subprocess.run(QPYSHIM + ["board", "--block", "0", "--link", str(mine)], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert p.returncode == 2, p.stdout + p.stderr
    assert "already exists" in p.stderr
    assert mine.read_text() == "precious\n"
