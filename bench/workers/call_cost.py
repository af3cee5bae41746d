# Where the shim's time goes: each socket operation timed on the interpreter's
# own socket and on the shim's usocket in the same process, alternating, so
# the machine's slow and fast phases fall on both. Prints one line per
# operation: "cost NAME RAW_US SHIM_US RAW_B SHIM_B": best of ROUNDS in
# microseconds per op, and heap bytes allocated per op (micropython.mem_total,
# which also counts blocks freed again at once, such as a Python frame too big
# for the C stack).
#   micropython call_cost.py ROOT ROUNDS N [timeout|blocking]
import sys
import time
import micropython
import socket as raw

ROOT, ROUNDS, N = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
TIMED = (sys.argv[4] if len(sys.argv) > 4 else "timeout") == "timeout"
sys.path.insert(0, ROOT)
import shim  # noqa: E402

shim.install()
import usocket  # noqa: E402
import _thread  # noqa: E402  the shim's
import control  # noqa: E402

T = 10  # seconds: every socket that can block gets it, as in the bench workers
IP = "127.0.0.1"


class Raw:
    mod = raw

    def addr(port):
        return raw.getaddrinfo(IP, port)[0][-1]

    def start(f, args):
        return sys.modules["shim._thread"]._t.start_new_thread(f, args)  # the interpreter's own


class Shim:
    mod = usocket

    def addr(port):
        return (IP, port)

    def start(f, args):
        return _thread.start_new_thread(f, args)


def free_port(side):
    # The kernel's choice, read back by connecting to it: no getsockname here.
    for port in range(20000 + (time.ticks_us() % 5000), 30000):
        s = side.mod.socket(2, 1)
        try:
            s.setsockopt(side.mod.SOL_SOCKET, side.mod.SO_REUSEADDR, 1)
            s.bind(side.addr(port))
            s.listen(64)
            return s, port
        except OSError:
            s.close()
    raise OSError("no free port")


def tcp_pair(side):
    srv, port = free_port(side)
    a = side.mod.socket(2, 1)
    a.connect(side.addr(port))
    b = srv.accept()[0]
    if TIMED:
        a.settimeout(T)
        b.settimeout(T)
    return srv, port, a, b


def udp_pair(side):
    for port in range(30000 + (time.ticks_us() % 5000), 40000):
        b = side.mod.socket(2, 2)
        try:
            b.bind(side.addr(port))
            break
        except OSError:
            b.close()
    a = side.mod.socket(2, 2)
    if TIMED:
        a.settimeout(T)
        b.settimeout(T)
    return a, b, side.addr(port)


def ops(side):
    """name -> a function doing one operation; made once, timed many times."""
    srv, port, a, b = tcp_pair(side)
    msg, buf = bytearray(1024), bytearray(1024)
    ua, ub, uaddr = udp_pair(side)
    small = bytes(64)
    there = side.addr(port)
    lock = _thread.allocate_lock()

    def readinto_write():
        a.write(msg)
        b.readinto(buf)

    def send_recv():
        a.send(msg)
        b.recv(1024)

    def sendto_recvfrom():
        ua.sendto(small, uaddr)
        d, peer = ub.recvfrom(256)
        ub.sendto(d, peer)
        ua.recvfrom(256)

    def socket_close():
        side.mod.socket(2, 1).close()

    def connect_accept_close():
        c = side.mod.socket(2, 1)
        c.settimeout(T)
        c.connect(there)
        s = srv.accept()[0]
        s.close()
        c.close()

    def done():
        lock.release()

    def thread():
        lock.acquire()
        side.start(done, ())
        lock.acquire()  # until the thread has run
        lock.release()

    return {"readinto+write 1KiB": readinto_write, "send+recv 1KiB": send_recv,
            "UDP echo 64B (2x sendto+recvfrom)": sendto_recvfrom, "socket()+close()": socket_close,
            "connect+accept+close": connect_accept_close, "start_new_thread": thread}


def per_op_us(f, n):
    t0 = time.ticks_us()
    for _ in range(n):
        f()
    return time.ticks_diff(time.ticks_us(), t0) / n


def heap_per_op(f, n=20):
    f()  # first call: lazy set-up (interned names, dict growth) is not per op
    t0 = micropython.mem_total()
    for _ in range(n):
        f()
    return (micropython.mem_total() - t0) // n


sides = {"raw": ops(Raw), "shim": ops(Shim)}
heap = {(name, s): heap_per_op(sides[s][name]) for s in sides for name in sides[s]}
best = {}
for _ in range(ROUNDS):
    for name in sides["raw"]:
        n = N // 10 if "connect" in name or "thread" in name else N
        for s in ("raw", "shim"):
            us = per_op_us(sides[s][name], n)
            key = (name, s)
            best[key] = min(best.get(key, us), us)
for name in sides["raw"]:
    control.say("cost", name.replace(" ", "_"), "%.2f" % best[(name, "raw")], "%.2f" % best[(name, "shim")],
                heap[(name, "raw")], heap[(name, "shim")])
