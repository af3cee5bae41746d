"""What a command leaves on the host when it cannot clean up itself.

`qpyshim run`, `board` and `modem` remove their temporary flash folder and
their links on every way out they see: their end, Ctrl-C, SIGTERM, SIGHUP.
SIGKILL (a CI cancel, an IDE's second stop, the OOM killer) runs none of
their code. For that, a small watcher holds the read end of a pipe whose
only write end is the command's: when the command dies, however it dies,
the kernel closes that end and the watcher removes what is left, then exits.
The board itself goes with the command by the parent-death signal
(runner.board_preexec); this is only for the files.

The watcher is a separate, bare interpreter (no site, no qpyshim import, a
few milliseconds) in a session of its own, so a kill of the command's
process group does not take it too, and it is started only when there is
something temporary to remove."""

import os
import subprocess
import sys

# The watcher: blocks on the pipe. A byte means the command cleaned up
# itself; end of file without one means it died: remove what it named.
_WATCH = r"""
import os, shutil, sys
try:
    said = os.read(0, 1)
except (OSError, KeyboardInterrupt):
    said = b""
if not said:
    args = sys.argv[1:]
    for i, p in enumerate(args):
        kind, p = p[0], p[1:]
        try:
            if kind == "L":
                if os.path.islink(p):
                    os.unlink(p)
            elif kind == "T":  # a link, only while it still points where ours did
                if os.path.islink(p) and os.readlink(p) == args[i + 1][1:]:
                    os.unlink(p)
            elif kind == "=":
                pass  # the target of the "T" before it
            elif kind == "E":
                os.rmdir(p)  # only if empty: another command may be using it
            else:
                for _ in range(3):  # a dying board may still be writing into it
                    shutil.rmtree(p, ignore_errors=True)
                    if not os.path.lexists(p):
                        break
        except OSError:
            pass
"""


class Lifeline:
    """Names temporary folders and links; removes them if the command dies
    without release()."""

    def __init__(self):
        self._items = []
        self._w = None
        self._proc = None

    def add(self, folders=(), links=(), empty=()):
        """Folders to remove with all they hold, symlinks to unlink (a path,
        or (path, target): unlinked only while it still points at target, so
        another run's link at the same path is left alone), and folders to
        remove if nothing is left in them (after the others)."""
        items = ["D" + os.path.abspath(p) for p in folders]
        for p in links:
            if isinstance(p, tuple):
                items += ["T" + os.path.abspath(p[0]), "=" + str(p[1])]
            else:
                items.append("L" + os.path.abspath(p))
        items += ["E" + os.path.abspath(p) for p in empty]
        if items:
            self._items += items
            self._restart()

    def _restart(self):
        # The list is the watcher's arguments: more items need a new watcher
        # (commands name theirs at once, at start-up).
        old_w, old_proc = self._w, self._proc
        r, w = os.pipe()  # not inheritable: the board and the simulators never hold it
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-S", "-I", "-c", _WATCH, *self._items], stdin=r,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        except OSError:
            os.close(w)
            self._w = self._proc = None
        else:
            self._w = w
        finally:
            os.close(r)
        if old_w is not None:
            self._release(old_w, old_proc)

    @staticmethod
    def _release(w, proc):
        try:
            os.write(w, b"x")
        except OSError:
            pass
        os.close(w)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def release(self):
        """The command has removed its files itself: the watcher just ends."""
        if self._w is not None:
            w, proc, self._w, self._proc = self._w, self._proc, None, None
            self._release(w, proc)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.release()
