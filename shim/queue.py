# QuecPython queue: Queue(maxsize=100). put() returns False instead of
# waiting when the queue is full; get() waits for an item.
import _thread


class Queue:
    # The firmware's queue.py and the docs name the size `maxsize`; the
    # published stub says `max_size`. Both keywords work; positionally it is
    # the same argument.
    def __init__(self, max_size=100, *, maxsize=None):
        self._max = max_size if maxsize is None else maxsize
        self._items = []
        self._lock = _thread.allocate_lock()
        self._ready = _thread.allocate_lock()  # held while the queue is empty
        self._ready.acquire()

    def put(self, data=None):
        with self._lock:
            if len(self._items) >= self._max:
                return False
            self._items.append(data)
            if len(self._items) == 1:
                self._ready.release()
        return True

    def get(self):
        while True:
            self._ready.acquire()
            with self._lock:
                if self._items:
                    data = self._items.pop(0)
                    if self._items:
                        self._ready.release()  # the next getter may go on
                    return data

    def empty(self):
        with self._lock:
            return not self._items

    def size(self):
        with self._lock:
            return len(self._items)
