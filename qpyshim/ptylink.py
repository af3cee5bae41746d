"""`--link PATH` for the commands that serve a pty (`qpyshim modem`, and
`qpyshim board` can use it too): a stable name for a pty whose number changes
from run to run, made without taking anybody's file and removed on the way
out only while it is still this run's link."""

import contextlib
import os
import sys


def make(link, pty, watch, stack, who="qpyshim"):
    """Makes `link` (a Path) point at `pty`, or returns why not (a message;
    nothing was touched). `watch` is the command's lifeline.Lifeline, told
    before the link exists, so no moment has a link nobody removes; `stack`
    (an ExitStack) gets the removal. Only a path that is nobody's is taken:
    a link left by a command SIGKILLed along with its watcher points at a pty
    that is gone, and is replaced (and said so); anything else there (a file,
    a folder, a link to something that exists) is the user's and stays."""
    if os.path.lexists(link):
        old = os.readlink(link) if link.is_symlink() else None
        if old is None or os.path.exists(link) or not _is_pty_path(old):
            what = f"a link to {old}" if old is not None else "not a link"
            return f"already exists ({what}); remove it or name another path"
        print(f"{who}: --link {link}: replacing a stale link to {old} (that pty is gone)",
              file=sys.stderr, flush=True)
        with contextlib.suppress(FileNotFoundError):  # another command's cleanup got there first
            link.unlink()

    def unlink():
        # The path may have been pointed elsewhere meanwhile: that is not ours.
        with contextlib.suppress(OSError):
            if os.readlink(link) == pty:
                link.unlink()

    # Both told before the link exists: a stop signal landing between the
    # symlink and the return still removes it, and a SIGKILL too (the
    # watcher, which likewise leaves a link that is not this pty's alone).
    stack.callback(unlink)
    watch.add(links=[(link, pty)])
    try:
        os.symlink(pty, link)
    except OSError as e:
        return e.strerror
    return None


def _is_pty_path(path):
    # Linux: /dev/pts/N; macOS: /dev/ttysNNN.
    return path.startswith(("/dev/pts/", "/dev/ttys"))
