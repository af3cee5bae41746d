# _thread's extras few apps use (stop_thread, threadIsRunning, stack_size,
# get_heap_size, delete_lock and the semaphores QuecPython spells Semphore),
# loaded by _thread's module __getattr__ at their first use.
from .._ports import port as _p
from .. import _thread as T
from . import board as _board

_t = _p.thread


def threadIsRunning(thread_id):
    with T._lock:
        return thread_id in T._live


def stop_thread(thread_id):
    me = _t.get_ident()
    if thread_id == 0:
        thread_id = me
    if thread_id == T._main:
        raise ValueError("Deleting the main thread is not allowed!")
    with T._lock:
        if thread_id not in T._live:
            raise ValueError("No thread with thread id %d was found!" % thread_id)
        T._stops.add(thread_id)
    if thread_id == me:
        raise SystemExit
    # Another thread stops at its next utime.sleep*(): the host cannot kill a
    # thread safely, so the stop is cooperative.


def stack_size(size=None):
    if size is None:
        if T._stack is None:
            return _board.get().limits.thread_stack
        return T._stack
    if not isinstance(size, int) or size < 8192:
        raise ValueError("stack size should be >= 8192 bytes")
    old = stack_size()
    T._stack = size
    return old


def get_heap_size():
    return _p.heap_free()


def delete_lock(lock):
    pass  # the GC frees locks; kept so module code runs unchanged


class Semphore:
    def __init__(self, initcount):
        self._max = initcount or 1  # a semaphore made empty can still be released once
        self._n = initcount
        self._m = _t.allocate_lock()
        self._avail = _t.allocate_lock()  # held while the count is 0
        if initcount == 0:
            self._avail.acquire()

    def acquire(self):
        while True:
            self._avail.acquire()
            with self._m:
                if self._n > 0:
                    self._n -= 1
                    if self._n > 0:
                        self._avail.release()
                    return True
            # a racing acquire took the last unit; wait again

    def release(self):
        with self._m:
            if self._n >= self._max:
                raise ValueError("semaphore released too many times")
            self._n += 1
            if self._n == 1:
                self._avail.release()

    def getCnt(self):
        with self._m:
            return (self._max, self._n)


def allocate_semphore(initcount):
    if not isinstance(initcount, int) or initcount < 0:
        raise ValueError("initcount should be >= 0")
    return Semphore(initcount)


def delete_semphore(semphore):
    pass
