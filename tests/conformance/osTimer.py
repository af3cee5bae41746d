"""osTimer: the RTOS timer class (8 of 31 sampled apps)."""
from conformance._kit import R, Raises

D = "DOC API_reference/en/syslib/osTimer.md"
ST = "STUB osTimer.pyi"
C21 = "SRC21 ports/quectel/core/source/modostimer.c"

PRELUDE = r'''
import osTimer, utime, _thread

_lk = _thread.allocate_lock()


def counter():
    box = []
    def cb(arg):
        with _lk:
            box.append(arg)
    return {'box': box, 'cb': cb, 't': osTimer()}


def wait_n(box, n, ms=2000):
    for _ in range(ms // 10):
        with _lk:
            if len(box) >= n:
                return list(box)
        utime.sleep_ms(10)
    with _lk:
        return list(box)


def once():
    d = counter()
    d['r'] = d['t'].start(20, 0, d['cb'])
    d['fired'] = wait_n(d['box'], 1)
    utime.sleep_ms(100)  # a one-shot timer must not fire again
    d['later'] = len(d['box'])
    return d


def periodic():
    d = counter()
    d['r'] = d['t'].start(10, 1, d['cb'])
    d['fired'] = len(wait_n(d['box'], 3))
    d['stop'] = d['t'].stop()
    n = len(d['box'])
    utime.sleep_ms(100)
    d['after_stop'] = len(d['box']) - n
    return d
'''

ROWS = [
    R(None, "type(osTimer()).__name__", "osTimer", D + " osTimer() creates a timer: the module is the class"),
    R(None, "callable(osTimer)", True, "SRC21 ports/quectel/core/source/mpconfigport.h maps the osTimer module to its type"),
    R("once", "r", 0, D + " start -> 0"),
    R("once", "fired", [None], D + " callback(arg): arg unused (None); CHOICE #28"),
    R("once", "later", 1, D + " start(.., cyclialEn=0, ..): once"),
    R("periodic", "r", 0, D + " start(.., cyclialEn=1, ..) -> 0"),
    R("periodic", "fired >= 3", True, D + " cyclialEn 1: loop"),
    R("periodic", "stop", 0, D + " stop -> 0"),
    R("periodic", "after_stop <= 1", True, D + " stop: the callback no longer fires"),
    R(None, "osTimer().stop()", 0, D + " stop of a timer never started -> 0"),
    R("counter", "(t.start(1000, 0, cb), t.start(1000, 0, cb), t.stop())", (0, 0, 0), D + " start of a running timer re-arms it"),
    R("counter", "(t.start(1000, 1, cb), [t.delete_timer()] and 'deleted')", (0, "deleted"), C21 + " delete_timer"),
    R("counter", "t.start(10, 2, cb)", Raises("ValueError"), D + " cyclialEn: 0 once, 1 loop"),
    R("counter", "t.start(10, 0, 5)", Raises("TypeError"), D + " callback: a function"),
]
