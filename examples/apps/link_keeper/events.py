# Callbacks (dataCall's, osTimer's) run on the firmware's threads and must
# return quickly: they only post an event here; one worker acts on them.
from queue import Queue

DATACALL = 1
TICK = 2

_q = Queue(16)


def post(kind, arg=None):
    if not _q.put((kind, arg)):
        return False  # full: a tick is dropped, the next one comes soon
    return True


def next_event():
    return _q.get()
