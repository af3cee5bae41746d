# The first use of a module shim.install() put a stand-in for (shim/__init__.py
# _Later): loaded here, once, whichever thread asks first; and, on a board,
# on a thread with room when the one asking has an app thread's small stack.
import sys
from .._ports import port

shim = sys.modules[__name__.rsplit(".", 2)[0]]


def load(later, here=False):
    s = shim
    me = port.thread.get_ident()
    inner = s._owner == me  # a module whose import loads another: the lock is this thread's
    if not (inner or here or me == s._main) and port.NATIVE_STACK:
        return aside(load, later, True)
    if not inner:
        s._lock.acquire()
        s._owner = me
    try:
        n = later._q
        if n.__class__ is str:
            __import__(s.__name__ + "." + n)
            m = getattr(s, n)
            sys.modules[n] = m
            object.__setattr__(later, "_q", m)
        return later._q
    finally:
        if not inner:
            s._owner = None
            s._lock.release()


def aside(fn, *args):
    """fn(*args) on a thread with room, this one waiting. A board's threads
    have the small stacks the app asked for (8 KB), too small for an import
    chain or the board's power-on, which the main thread did at boot before
    they were left to first use. The port's LOAD_STACK, else 32 KB (what the
    usocket chain takes on the 64-bit unix port; 32-bit frames are smaller).
    Where no such thread can be had, fn runs here, as before."""
    t = port.thread
    out = [None, None]
    done = t.allocate_lock()
    done.acquire()

    def work():
        try:
            out[0] = fn(*args)
        except BaseException as e:  # noqa: B036  the caller's to see
            out[1] = e
        done.release()

    was = t.stack_size(getattr(port, "LOAD_STACK", 32 * 1024))
    try:
        t.start_new_thread(work, ())
    except (OSError, MemoryError, RuntimeError):
        return fn(*args)
    finally:
        t.stack_size(was)
    done.acquire()
    if out[1] is not None:
        raise out[1]
    return out[0]
