# What loads after boot: a module shim.install() put a stand-in for
# (shim/__init__.py _Later), a module's rarely used part (part(), attr()),
# the board's power-on (under()). Each happens once, whichever thread asks
# first, under one lock: the unix port runs threads with no GIL, and a module
# is in sys.modules before its code has run, so a second thread importing it
# at the same moment would get it half made. On a board, an import chain
# from an app thread's small stack runs on a thread with room (aside()).
# install() loads this module at boot and sets the state below; the state
# lives here, in names that exist from the start, because a dict another
# thread is reading must not grow under it (the package's own globals grow
# with every submodule loaded).
import sys
from .._ports import port

shim = sys.modules[__name__.rsplit(".", 2)[0]]
lock = None  # install()'s; None without install() (tests, CPython debugging): plain imports
owner = None  # the thread loading: a load that starts another goes on under the same lock
main = None  # the thread that booted: its stack has room


def under(fn, *args):
    """fn(*args) holding the loader lock; a call made from within a load
    (the same thread) goes on under it."""
    global owner
    me = port.thread.get_ident()
    if lock is None or owner == me:
        return fn(*args)
    lock.acquire()
    owner = me
    try:
        return fn(*args)
    finally:
        owner = None
        lock.release()


def _small_stack(here):
    # An app thread of a board (the port's NATIVE_STACK): too small for an
    # import chain, unless this is already the thread with room.
    me = port.thread.get_ident()
    return port.NATIVE_STACK and not (here or owner == me or me == main)


def load(later, here=False):
    if _small_stack(here):
        return aside(load, later, True)
    return under(_load, later)


def _load(later):
    n = later._q
    if n.__class__ is str:
        __import__(shim.__name__ + "." + n)
        m = getattr(shim, n)
        sys.modules[n] = m
        object.__setattr__(later, "_q", m)
    return later._q


def part(name, here=False):
    """The module shim.<name> (a module's part loaded on first use, e.g.
    "_lib.pdp")."""
    full = shim.__name__ + "." + name
    m = sys.modules.get(full)
    if m is not None and owner is None:
        return m
    if _small_stack(here):
        return aside(part, name, True)
    return under(_import, full)


def _import(full):
    __import__(full)
    return sys.modules[full]


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

    # The stack size is the process's: _thread.spawn sets the app's under its
    # lock, so this one is set, used and put back under the same lock.
    th = sys.modules.get(shim.__name__ + "._thread")
    held = th._lock if th is not None else None
    if held is not None:
        held.acquire()
    try:
        was = t.stack_size(getattr(port, "LOAD_STACK", 32 * 1024))
        try:
            t.start_new_thread(work, ())
            started = True
        except (OSError, MemoryError, RuntimeError):
            started = False
        t.stack_size(was)
    finally:
        if held is not None:
            held.release()
    if not started:
        return fn(*args)
    done.acquire()
    if out[1] is not None:
        raise out[1]
    return out[0]
