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


def part(name, here=False):
    """The module shim.<name> (a module's part loaded on first use, e.g.
    "_lib.pdp"), imported once under the same lock, whichever thread asks
    first: with no GIL another thread would get it half made. Without
    shim.install() (CPython debugging, tests) it is a plain import."""
    s = shim
    full = s.__name__ + "." + name
    m = sys.modules.get(full)
    if m is not None and s._owner is None:
        return m
    if s._lock is None:
        __import__(full)
        return sys.modules[full]
    me = port.thread.get_ident()
    inner = s._owner == me
    if not (inner or here or me == s._main) and port.NATIVE_STACK:
        return aside(part, name, True)
    if not inner:
        s._lock.acquire()
        s._owner = me
    try:
        __import__(full)
        return sys.modules[full]
    finally:
        if not inner:
            s._owner = None
            s._lock.release()


def attr(g, name, where):
    """A module __getattr__'s answer: `name` from the part `where`, loaded on
    first use. Not copied into the module's globals: adding a key to a dict
    other threads are reading can make their reads miss (no GIL), and these
    are the rarely used names."""
    if name[:2] == "__" and name != "__all__":
        raise AttributeError(name)
    m = part(where)
    if name == "__all__":  # `from m import *`: the names loaded on first use too
        return [n for n in list(g) + dir(m) if n[:1] != "_"]
    return getattr(m, name)


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
