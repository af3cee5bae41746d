# _thread's semaphores (QuecPython spells them Semphore), loaded by
# _thread's module __getattr__ when an app first asks for one.
from .._ports import port as _p

_t = _p.thread


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
