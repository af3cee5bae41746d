"""queue: QuecPython's inter-thread queue."""
from conformance._kit import R

Q = "DOC API_reference/en/syslib/Queue.md"
S = "SRC25 ports/quectel/py/queue.py"

PRELUDE = r'''
import _thread, utime
from queue import Queue


def three():
    q = Queue()
    for i in range(3):
        q.put(i)
    return {'q': q}


def full2():
    q = Queue(2)
    return {'q': q, 'r': (q.put('a'), q.put('b'), q.put('c'))}


def waiter():
    # get() blocks until another thread puts: the getter runs in a thread,
    # the row puts, and the row waits (bounded) for the getter to report.
    q = Queue()
    got = []
    def run():
        got.append(q.get())
    _thread.start_new_thread(run, ())
    def wait():
        for _ in range(300):
            if got:
                return got[0]
            utime.sleep_ms(10)
        return 'timed out'
    return {'q': q, 'wait': wait}
'''

ROWS = [
    R(None, "type(Queue()).__name__", "Queue", Q + " queue.Queue"),
    R(None, "Queue().size()", 0, Q + " Queue.size"),
    R(None, "Queue().empty()", True, Q + " Queue.empty"),
    R(None, "Queue(100).put('hello world')", True, Q + " Queue.put: True on success"),
    R(None, "Queue().put()", True, Q + " Queue.put: data=None by default"),
    R("three", "q.size()", 3, Q + " Queue.size"),
    R("three", "(q.get(), q.get(), q.size())", (0, 1, 1), Q + " Queue.get; Queue.size"),
    R(None, "(lambda q: (q.put(), q.get()))(Queue())", (True, None), Q + " Queue.put: data=None by default"),
    R(None, "(lambda q: (q.put(1), q.put(2), q.size(), q.empty()))(Queue())", (True, True, 2, False),
      Q + " Queue.size, Queue.empty"),
    R(None, "(lambda q: [q.put(x) for x in 'abc'] and [q.get() for _ in 'abc'])(Queue())", ["a", "b", "c"],
      Q + " Queue.get; " + S + " Queue.get: first in, first out"),
    R(None, "(lambda q: (q.put({'k': [1, 2]}), q.get()))(Queue())", (True, {"k": [1, 2]}),
      Q + " Queue.put: any data"),
    R(None, "(lambda q, o: (q.put(o), q.get() is o))(Queue(), [1])", (True, True),
      S + " Queue.put: the object itself is queued, not a copy"),
    R("full2", "r", (True, True, False), Q + " Queue.put: False on failure; CHOICE #26"),
    R("full2", "q.size()", 2, Q + " Queue.Queue(maxsize); CHOICE #26"),
    R("full2", "(q.get(), q.put('c'), q.size())", ("a", True, 2), Q + " Queue.get frees a place"),
    R(None, "(lambda q: [q.put(i) for i in range(101)][-2:])(Queue())", [True, False],
      Q + " queue.Queue: maxsize default 100"),
    R(None, "Queue(maxsize=3).put(1)", True, Q + " queue.Queue(maxsize=100): keyword maxsize"),
    R(None, "(lambda q: [q.put(i) for i in range(4)])(Queue(maxsize=3))", [True, True, True, False],
      Q + " queue.Queue(maxsize=100)"),
    R("waiter", "(q.put('x'), wait())", (True, "x"), Q + " Queue.get: blocks until data is put"),
    R("waiter", "(q.put(None), wait())", (True, None), Q + " Queue.get: None from put()"),
    R(None, "(lambda q: (q.put(1), q.empty(), q.get(), q.empty()))(Queue())", (True, False, 1, True),
      Q + " Queue.empty after get"),
]
