# Run the app the way QuecPython's firmware does: /usr/main.py as __main__ with
# uos already imported, and keep the board up while the app's threads run.
import sys
from .._ports import port as _p


_ROOM = 64  # the most module globals room is made for before the app starts


def run(main="/usr/main.py"):
    """Run the app; returns the exit status for the board's main.py."""
    # shim.install()'s stand-in: the app pays for uos when it first uses it.
    u = sys.modules.get("uos")
    if u is None:  # no shim.install(): the module itself
        from .. import uos as u
    g = {"__name__": "__main__", "__file__": main, "uos": u}
    try:
        with getattr(_p, "fopen", open)(main) as f:  # a board path: the app's open would load its checks
            src = f.read()
    except OSError:
        _p.stderr.write("qpyshim: no app: %s not found\n" % main)
        return 1
    # With no GIL, a thread looking up a global while the main thread adds
    # one can miss it if the dict is being grown (NameError for a name that
    # is there). The module's GIL hides this from QuecPython apps; a table
    # grown once before the app starts, for as many names as its source could
    # define at module level (one a line, one a comma, two a `global`, 32 a
    # star: an overcount, up to the _ROOM a typical app needs), keeps it from
    # ever resizing (deleted slots keep the room).
    n = 8 + src.count("\n") + src.count(",") + 2 * src.count("global ") + 32 * src.count("*")
    n = min(n, _ROOM)
    for i in range(n):
        g[i] = None
    for i in range(n):
        del g[i]
    try:
        code = compile(src, main, "exec")
        del src  # the app's source is not kept while it runs
        exec(code, g)
    except SystemExit as e:
        return e.args[0] if e.args and isinstance(e.args[0], int) else 0
    except KeyboardInterrupt:
        return _status(_threads())
    except BaseException as e:  # noqa: B036  report, as the module's REPL would
        _p.print_exception(e)
        return 1
    # The unix port would kill the app's threads here; the module keeps them.
    t = _threads()
    try:
        while t and (t.live_count() or t.holds):
            _p.time.sleep_ms(100)
    except KeyboardInterrupt:
        pass
    return _status(t)


def _threads():
    # The shim's _thread if anything loaded it: without it no thread was started.
    return sys.modules.get(__name__.rsplit(".", 2)[0] + "._thread")


def _status(t):
    return 1 if t and t.failures else 0


def done(code):
    """The app has ended: the desktop runner exits with its status, a board
    returns to its REPL."""
    _p.app_done(code)
