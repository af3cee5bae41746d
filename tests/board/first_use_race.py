# Run by tests/test_first_use.py on micropython: threads make their first use
# of what the shim loads late, all at the same moment, on the unix port's
# GIL-less threads; each prints "ok" or what it raised. A first load seen
# half made, or a dict grown under a reader, shows up as an AttributeError.
#   micropython first_use_race.py ROOT SCENARIO
import sys

sys.path.insert(0, sys.argv[1])
import shim

shim.install()
from shim._ports import port
import time

T = port.thread
lock = T.allocate_lock()
ready = [0]
go = [False]
res = []


def race(jobs):
    def run(f, a):
        with lock:
            ready[0] += 1
        while not go[0]:
            pass  # a spin: the threads start their first uses together
        try:
            f(*a)
            out = "ok"
        except Exception as e:  # noqa: BLE001  what the race raised is the result
            out = repr(e)
        with lock:
            res.append(out)

    for f, a in jobs:
        T.start_new_thread(run, (f, a))
    while ready[0] < len(jobs):
        pass
    go[0] = True
    end = time.ticks_add(time.ticks_ms(), 10000)
    while len(res) < len(jobs) and time.ticks_diff(end, time.ticks_ms()) > 0:
        time.sleep_ms(1)
    print("results", res)


scenario = sys.argv[2]
if scenario == "port":  # the unix port's rest (calls.py) by different names at once
    race([(getattr, (port, n)) for n in ("pack", "unpack", "tcp_state", "abort", "fd_count", "heap_free")])
elif scenario == "standins":  # first uses of stand-ins, each loading its module
    import utime, uos, machine, dataCall

    race([(getattr, (utime, "ticks_ms")), (getattr, (uos, "listdir")), (getattr, (machine, "Pin")),
          (getattr, (dataCall, "setPDPContext"))])
elif scenario == "timers":  # the timer thread's module, from three timers at once
    import osTimer

    def timer():
        t = osTimer()
        t.start(1000, 0, lambda a: None)
        t.stop()

    race([(timer, ()) for _ in range(3)])
elif scenario == "poweron":  # the board's power-on against a stand-in's load
    import usocket, dataCall

    race([(dataCall.getInfo, (1, 0)), (getattr, (usocket, "AF_INET")), (getattr, (usocket, "socket"))])
