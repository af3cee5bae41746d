"""_thread: QuecPython's threads, locks and semaphores (21 of 31 sampled apps)."""
from conformance._kit import R, Raises

D = "DOC API_reference/en/stdlib/_thread.md"
ST = "STUB _thread.pyi"
C21 = "SRC21 ports/quectel/core/source/modthread.c"

PRELUDE = r'''
import _thread, utime


def wait_for(box, n=1):
    for _ in range(500):
        if len(box) >= n:
            return box
        utime.sleep_ms(10)
    return box


def started():
    box = []
    def run(a, b):
        box.append((a, b, _thread.get_ident()))
    tid = _thread.start_new_thread(run, (1, 'x'))
    wait_for(box)
    return {'tid': tid, 'box': box}


def parked():
    # a thread that sleeps in a loop until stopped (or 5 s have passed, so
    # that a stop that fails cannot keep the board up)
    flag = []
    def run():
        for _ in range(500):
            utime.sleep_ms(10)
            flag.append(1)
    tid = _thread.start_new_thread(run, ())
    return {'tid': tid, 'flag': flag}


def stopped():
    d = parked()
    d['r'] = _thread.stop_thread(d['tid'])
    for _ in range(300):
        if not _thread.threadIsRunning(d['tid']):
            break
        utime.sleep_ms(10)
    return d


def locked():
    lk = _thread.allocate_lock()
    return {'lk': lk, 'r': lk.acquire()}


_served = _thread.allocate_lock()
_served.acquire()


def server_after_main():
    # 9 of 31 sampled apps return from main.py while a thread serves: the
    # board must stay up for it. This thread starts serving only once the
    # rows are done (finish), and answers a second later.
    _served.acquire()
    import usocket
    s = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM)
    s.settimeout(1)
    try:
        s.recvfrom(1)
    except OSError as e:
        print('served after main', e.args[0])
    s.close()


_thread.start_new_thread(server_after_main, ())


def finish():
    _served.release()


def sem():
    return {'s': _thread.allocate_semphore(2)}
'''

ROWS = [
    R(None, "type(_thread.get_ident()).__name__", "int", D + " get_ident -> int"),
    R(None, "_thread.get_ident() == _thread.get_ident()", True, D + " get_ident: the current thread's id"),
    R("started", "type(tid).__name__", "int", D + " start_new_thread -> thread id"),
    R("started", "box[0][:2]", (1, "x"), D + " start_new_thread(function, args): args tuple"),
    R("started", "box[0][2] == tid", True, ST + " start_new_thread id = get_ident() in the thread; CHOICE #15"),
    R("started", "box[0][2] != _thread.get_ident()", True, D + " each thread has its own id"),
    R(None, "_thread.start_new_thread(lambda: None, ())", Raises("TypeError", None), "SKIP"),
    R(None, "_thread.start_new_thread(print, [1])", Raises("TypeError"), D + " args must be a tuple"),
    R(None, "_thread.start_new_thread(5, ())", Raises("TypeError"), "MPY _thread.start_new_thread: function must be callable"),
    R(None, "_thread.stack_size()", 8448, D + " stack_size(): default 8448 bytes; CHOICE #14"),
    R(None, "(_thread.stack_size(16384), _thread.stack_size(), _thread.stack_size(8448))", (8448, 16384, 16384),
      D + " stack_size(size) sets bytes; CHOICE #14 (returns the old value)"),
    R(None, "_thread.stack_size(4096)", Raises("ValueError"), D + " stack_size: minimum 8192 bytes; CHOICE #14"),
    R(None, "type(_thread.get_heap_size()).__name__", "int", D + " get_heap_size -> int bytes"),
    R(None, "_thread.get_heap_size() > 0", True, D + " get_heap_size: free heap"),
    R("locked", "r", True, D + " Lock.acquire -> True"),
    R("locked", "lk.locked()", True, D + " Lock.locked -> True while held"),
    R("locked", "(lk.release(), lk.locked())", (None, False), D + " Lock.release"),
    R("locked", "lk.acquire(0)", False, "MPY _thread lock.acquire(waitflag=0) returns False when held"),
    R(None, "(lambda lk: (lk.__enter__(), lk.locked(), lk.__exit__(None, None, None), lk.locked()))(_thread.allocate_lock())",
      (True, True, None, False), C21 + " lock __enter__/__exit__ (with lock:)"),
    R(None, "_thread.delete_lock(_thread.allocate_lock())", None, D + " delete_lock(lock)"),
    R(None, "type(_thread.allocate_lock()).__name__", "lock", "MPY _thread.allocate_lock -> lock"),
    R("sem", "s.getCnt()", (2, 2), D + " allocate_semphore(initcount); getCnt -> (maxCnt, curCnt)"),
    R("sem", "(s.acquire(), s.getCnt())", (True, (2, 1)), D + " semphore acquire decrements the count"),
    R("sem", "(s.acquire(), s.release(), s.getCnt())", (True, None, (2, 2)), D + " semphore release increments the count"),
    R(None, "_thread.allocate_semphore(0).getCnt()[1]", 0, D + " allocate_semphore(0)"),
    R(None, "_thread.delete_semphore(_thread.allocate_semphore(1))", None, D + " delete_semphore"),
    R("parked", "_thread.threadIsRunning(tid)", True, ST + " threadIsRunning -> bool; CHOICE #16"),
    R("stopped", "r", None, D + " stop_thread(thread_id)"),
    R("stopped", "_thread.threadIsRunning(tid)", False, ST + " threadIsRunning after stop_thread; CHOICE #17"),
    R(None, "_thread.stop_thread(_thread.get_ident())", Raises("ValueError", "Deleting the main thread is not allowed!"),
      C21 + " stop_thread of the main thread -> ValueError"),
    R(None, "_thread.stop_thread(123456789)", Raises("ValueError", "No thread with thread id 123456789 was found!"),
      C21 + " stop_thread of an unknown id -> ValueError"),
    R(None, "_thread.threadIsRunning(123456789)", False, ST + " threadIsRunning of an unknown id"),
    R(None, "callable(_thread.LockType)", True, "MPY _thread.LockType"),
]
ROWS = [r for r in ROWS if r.src != "SKIP"]


def check_transcript(r, rt):
    # SRC25 ports/quectel/main.c: main.py returning leaves the REPL and the
    # threads running; the desktop board waits for them
    assert "served after main 110" in r.out, r
    assert r.out.index("conformance-done") < r.out.index("served after main"), r
