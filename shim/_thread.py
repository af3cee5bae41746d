# QuecPython _thread: the interpreter's threads and a registry of live app
# threads, so the board stays up while they run after main.py returns; the
# module's extras (stop_thread, threadIsRunning, stack_size, semaphores, heap
# size) load at their first use from shim/_lib/threadapi.py.
from ._ports import port as _p
from ._lib import board as _board

_t = _p.thread
LockType = _t.LockType
Lock = LockType  # the stub's name for what allocate_lock() returns
allocate_lock = _t.allocate_lock
get_ident = _t.get_ident

_lock = _t.allocate_lock()
_live = {}  # thread id -> the function it runs (a registered thread)
_stops = set()  # thread ids asked to stop
_layer = set()  # the layer's own threads: not counted against the app's limit
_counted = 0  # app threads alive, against the board's thread limit
_main = _t.get_ident()
failures = 0  # threads that ended with an uncaught exception
_stack = None  # bytes; the board's default (QuecPython's is 8448) until the app sets one


class _End:
    """A registered thread's end, as a `with`: its __exit__ gets this
    thread's own exception, and _run's frame stays on the C stack (an
    `except ... as e` would put it on the heap for the thread's whole life)."""

    def __enter__(self):
        pass

    def __exit__(self, kind, e, tb):
        global failures, _counted
        me = _t.get_ident()
        if e is not None and not isinstance(e, SystemExit):
            # Told before the thread leaves the registry: the board stays up
            # for a registered thread, so the report is out before it may end.
            with _lock:
                failures += 1
                function = _live.get(me)
            _p.stderr.write("Unhandled exception in thread started by %r\n" % (function,))
            _p.print_exception(e)
        with _lock:
            _live.pop(me, None)
            _stops.discard(me)
            if me in _layer:
                _layer.discard(me)
            else:
                _counted -= 1
        return True  # a thread must never take the board down


_end = _End()


def _run(function, args):
    _lock.acquire()  # the parent registers us while it holds the lock: wait for it
    _lock.release()
    with _end:
        function(*args)


def start_new_thread(function, args):
    if not callable(function):
        raise TypeError("function must be callable")
    if not isinstance(args, tuple):
        raise TypeError("args must be a tuple")
    return spawn(function, args, True)


def spawn(function, args, counted=False):
    """Start a registered thread; the layer's own (callbacks, which the module
    runs from its scheduler) don't count against the app's thread limit."""
    global _counted
    # before the lock: a first use powers the board on
    lim = _board.get().limits if counted or _p.NATIVE_STACK else None
    with _lock:
        if counted:
            if lim.threads is not None and _counted >= lim.threads:
                raise OSError("can't create thread")  # as the module's mp_thread_create
        if _p.NATIVE_STACK:  # a board: the size the app asked for is what it gets
            _t.stack_size(_stack or lim.thread_stack)
        tid = _t.start_new_thread(_run, (function, args))
        _live[tid] = function
        if counted:
            _counted += 1
        else:
            _layer.add(tid)
    return tid


def live_count():
    with _lock:
        return len(_live)


holds = 0  # work the layer has under way that the board must stay up for


def hold(n):
    """+1 / -1: the layer starts / finishes work the board must outlive."""
    global holds
    with _lock:
        holds += n


def check_stop():
    if _stops:
        with _lock:
            stop = _t.get_ident() in _stops
        if stop:
            raise SystemExit


_LATER = ("Semphore", "allocate_semphore", "delete_semphore", "threadIsRunning", "stop_thread",
          "stack_size", "get_heap_size", "delete_lock")


def __getattr__(name):
    # The module's extras few apps use load at their first use (shim/_lib/threadapi.py).
    if name in _LATER:
        with _lock:  # one thread imports it: with no GIL another would get it half made
            from ._lib import threadapi

        return getattr(threadapi, name)
    if name == "__all__":  # `from _thread import *` (CPython): those too
        return [n for n in globals() if n[:1] != "_"] + list(_LATER)
    raise AttributeError(name)
