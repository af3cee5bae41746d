# Run the app the way QuecPython's firmware does: /usr/main.py as __main__ with
# uos already imported, and keep the board up while the app's threads run.
import sys
from .._ports import port as _p
from .. import _thread


_ROOM = 64  # module globals an app may define before its dict grows


def run(main="/usr/main.py"):
    """Run the app; returns the exit status for the board's main.py."""
    from .. import uos

    g = {"__name__": "__main__", "__file__": main, "uos": uos}
    # With no GIL, a thread looking up a global while the main thread adds
    # one can miss it if the dict is being grown (NameError for a name that
    # is there). The module's GIL hides this from QuecPython apps; a table
    # grown once before the app starts keeps a typical app from ever
    # resizing it (deleted slots keep the room).
    for i in range(_ROOM):
        g[i] = None
    for i in range(_ROOM):
        del g[i]
    try:
        with open(main) as f:
            src = f.read()
    except OSError:
        _p.stderr.write("qpyshim: no app: %s not found\n" % main)
        return 1
    try:
        exec(compile(src, main, "exec"), g)
    except SystemExit as e:
        return e.args[0] if e.args and isinstance(e.args[0], int) else 0
    except KeyboardInterrupt:
        return _status()
    except BaseException as e:  # noqa: B036  report, as the module's REPL would
        _p.print_exception(e)
        return 1
    del src
    # The unix port would kill the app's threads here; the module keeps them.
    try:
        while _thread.live_count() or _thread.holds:
            _p.time.sleep_ms(100)
    except KeyboardInterrupt:
        pass
    return _status()


def _status():
    return 1 if _thread.failures else 0




def done(code):
    """The app has ended: the desktop runner exits with its status, a board
    returns to its REPL."""
    _p.app_done(code)
