# Run by tests/test_socket_heap.py on micropython: what a usocket costs the
# heap, and what a data call holds while it waits. The native socket is a
# fake whose calls measure the heap from inside (gc disabled, so everything
# the call chain allocated is still counted there): a blocked call holds
# exactly that for as long as it blocks. Prints "name bytes" lines.
import sys

sys.path.insert(0, sys.argv[1])
import gc
import shim

shim.install()
import usocket

base = [0]
seen = [None]


def probe():
    seen[0] = gc.mem_alloc() - base[0]


class Native:
    # The calls usocket makes of a connected stream socket.
    def __init__(self):
        self.pending = False  # the next read finds nothing yet (a timed wait)
        self.timed = False  # measured in the wait instead
    def _data(self, v):
        if self.pending:
            self.pending = False
            return None
        if not self.timed:
            probe()
        return v

    def readinto(self, buf, n=None):
        return self._data(len(buf))  # full: the wait is the only one

    def recv(self, n, flags=0):
        return self._data(b"x")

    def read(self, n=None):
        return self._data(b"x")

    def readline(self):
        return self._data(b"x\n")

    def send(self, b):
        probe()
        return 1

    def write(self, b):
        probe()
        return len(b)

    def setblocking(self, flag):
        pass

    def settimeout(self, t):
        pass

    def close(self):
        pass


def measure(name, f, *args):
    base[0] = gc.mem_alloc()
    seen[0] = None
    f(*args)
    print(name, seen[0])


buf = bytearray(8)
n = Native()
gc.collect()
gc.disable()
measure("native", n.readinto, buf)  # the harness's own cost: the reference
s = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, _native=Native())
for name, f, args in (("readinto", s.readinto, (buf,)), ("readinto_n", s.readinto, (buf, 4)),
                      ("recv", s.recv, (8,)), ("read", s.read, (8,)), ("readline", s.readline, ()),
                      ("send", s.send, (b"x",)), ("write", s.write, (b"x",))):
    measure(name, f, *args)
# The unix port's timed calls wait in the socket's own poll object (made at
# its first wait, counted with the socket), the frames must stay small.
gc.enable()
s.settimeout(100)
from shim._lib import sockwait

gc.disable()
lent = [0]


def poll(p, end):
    probe()
    lent[0] += 1
    return True


sockwait._poll = poll


class Poll:
    # poll's ipoll answers with the poll object itself, as an iterator
    def ipoll(self, ms):
        probe()
        lent[0] += 1
        return self

    def __next__(self):
        return 1


the_poll = Poll()
sockwait._inpoll = lambda sock: the_poll
s._p = None
s._s.timed = True
for name, f, args in (("timed_readinto", s.readinto, (buf,)), ("timed_recv", s.recv, (8,))):
    s._s.pending = name != "timed_readinto"  # readinto polls first, then reads
    measure(name, f, *args)
print("timed_waited", lent[0])
gc.enable()
# One socket of an accepted connection: seven attributes, its Guard, the peer.
gc.collect()
a = gc.mem_alloc()
keep = [usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, _native=Native(), _peer=("127.0.0.1", 1))
        for i in range(50)]
gc.collect()
b = gc.mem_alloc()
natives = [Native() for i in range(50)]
gc.collect()
print("socket", (b - a - (gc.mem_alloc() - b)) // 50)
