# Power-on of `qpyshim board`, the virtual board: its flash folder becomes /,
# then boot.py and main.py run as a board runs them, and the interpreter's
# REPL takes over (micropython -i). After a soft reset in the raw REPL the host
# starts us with QPYSHIM_MAIN=0: a board skips main.py then, and mpremote
# counts on that. The marker at the end tells the host the REPL comes next.
import os
import sys
import vfs

vfs.umount("/")
vfs.mount(vfs.VfsPosix(os.getenv("QPYSHIM_FLASH")), "/")
os.chdir("/")
sys.path[:] = ["", ".frozen", "/lib"]
sys.stdout.write("\x00QPYSHIM:UP\x00")  # tells the host a Ctrl-C now reaches Python code


def _qpyshim_run(name, main):
    try:
        f = open(name)
    except OSError:
        return  # an erased board has neither file
    try:
        # Compiled under the same handlers: a Ctrl-C (mpremote's, the moment
        # the port appears) landing in a slow compile must not end the
        # interpreter, which the host would take for a soft reset.
        with f:
            code = compile(f.read(), name, "exec")
        exec(code, main)
    except KeyboardInterrupt as e:
        sys.print_exception(e)
    except SystemExit:
        raise  # a board soft-resets: the host restarts us
    except BaseException as e:  # noqa: B036  the REPL still comes up, as on a board
        sys.print_exception(e)


_qpyshim_run("boot.py", globals())
if os.getenv("QPYSHIM_MAIN") == "1":
    _qpyshim_run("main.py", globals())
del _qpyshim_run
sys.stdout.write("\x00QPYSHIM:REPL\x00")
