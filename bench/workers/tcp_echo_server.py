# Thread-per-client TCP echo server, the shape of the QuecPython note's server.
#   micropython tcp_echo_server.py MODE PORT STYLE SIZE
# STYLE "exact": each message is SIZE bytes, read into a buffer made once per
#   client (readinto fills it) and written back: no heap allocation per message.
# STYLE "recv": recv(65536) + sendall, allocating a bytes object per read, as
#   most apps are written; informational only (GC noise, see README).
# stdin commands: "mem" -> "mem FREE SERVED OPEN", "quit" (or EOF) -> exit.
import sys
from adapter import listener, nodelay, _thread
import control

PORT, STYLE, SIZE = int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
IDLE_S = 120  # a client silent this long is gone: its thread ends
LIFE_MS = 600000  # no command from the orchestrator for this long: exit

lock = _thread.allocate_lock()
counts = [0, 0]  # served (echoed at least once), open
stopping = [False]


def count(i, d):
    with lock:
        counts[i] += d


def serve_exact(c):
    buf = bytearray(SIZE)
    if c.readinto(buf) < SIZE:
        return
    c.write(buf)
    count(0, 1)
    while c.readinto(buf) == SIZE:
        c.write(buf)


def serve_recv(c):
    first = True
    while True:
        d = c.recv(65536)
        if not d:  # raw at end of stream; the shim raises OSError(107) instead
            return
        c.sendall(d)
        if first:
            count(0, 1)
            first = False


serve = serve_exact if STYLE == "exact" else serve_recv


def client(c):
    count(1, 1)
    try:
        c.settimeout(IDLE_S)
        nodelay(c)
        serve(c)
    except OSError:
        pass  # the peer went away, or the shim's end-of-stream 107
    finally:
        c.close()
        count(1, -1)


def accept_loop(srv):
    while not stopping[0]:
        try:
            c = srv.accept()[0]
        except OSError:
            continue  # the 1 s timeout: look at `stopping` again
        try:
            _thread.start_new_thread(client, (c,))
        except Exception as e:  # out of threads or heap: report, refuse this one
            control.say("spawn-failed", repr(e))
            c.close()


srv = listener(PORT)
srv.settimeout(1)
_thread.start_new_thread(accept_loop, (srv,))
control.say("ready")
while True:
    cmd = control.command(LIFE_MS)
    if cmd == "mem":
        free = control.heap_free()
        with lock:
            served, open_ = counts
        control.say("mem", free, served, open_)
    else:  # "quit", EOF or silence
        break
stopping[0] = True
sys.exit(0)
