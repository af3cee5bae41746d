# TCP client workloads against tcp_echo_server.py.
#   micropython tcp_client.py MODE PORT WORKLOAD SIZE SECONDS|COUNT
# stream: one connection, SIZE-byte messages written and read back whole with
#         readinto into buffers made once -> "result BYTES_PER_S"
# timed:  stream with a 2 s timeout on the client (the server's is 120 s either way)
# recv:   the same with sendall + recv(65536) loops (allocating) -> same line
# conns:  connect, one SIZE-byte exchange, close, repeated -> "result CONN_PER_S"
# hold:   COUNT clients connect, exchange once and stay open -> "held N", then
#         waits for "close" on stdin -> "closed"
import sys
import time
from adapter import socket, addr, nodelay
import control
from clock import timed

PORT, WORK, SIZE = int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
ARG = float(sys.argv[5])
TIMEOUT_S = 10  # any single call taking longer than this is a failure
if WORK == "timed":  # the timed-echo row: a timeout an app would set on a reader (shim: waits in Python)
    TIMEOUT_S = 2
SERVER = addr("127.0.0.1", PORT)
WARMUP = 20  # round trips before the clock starts: connection and caches settle

msg = bytearray(SIZE)
for i in range(SIZE):
    msg[i] = 48 + i % 64
buf = bytearray(SIZE)


def connect():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(TIMEOUT_S)
    s.connect(SERVER)
    nodelay(s)
    return s


def exchange(s):
    s.write(msg)
    if s.readinto(buf) < SIZE:
        raise OSError("short echo")


def exchange_recv(s):
    s.sendall(msg)
    got = 0
    while got < SIZE:
        d = s.recv(65536)
        if not d:
            raise OSError("short echo")
        got += len(d)


def stream(fn):
    s = connect()
    for _ in range(WARMUP):
        fn(s)
    n, dt = timed(lambda: fn(s), ARG)
    s.close()
    control.say("result", n * SIZE * 1000000 / dt, n, dt)


def conns():
    def one():
        s = connect()
        exchange(s)
        s.close()

    for _ in range(WARMUP):
        one()
    n, dt = timed(one, ARG)
    control.say("result", n * 1000000 / dt, n, dt)


def hold():
    socks = []
    t0 = time.ticks_ms()
    for _ in range(int(ARG)):
        s = None
        try:
            s = connect()
            exchange(s)
        except Exception as e:  # noqa  any failure ends the count: report it
            control.say("failed", len(socks), repr(e))
            if s is not None:
                s.close()
            break
        socks.append(s)
    control.say("held", len(socks), time.ticks_diff(time.ticks_ms(), t0))
    control.command(TIMEOUT_S * 30 * 1000)  # "close", EOF or a timeout: let go
    for s in socks:
        s.close()
    control.say("closed")


if WORK in ("stream", "timed"):
    stream(exchange)
elif WORK == "recv":
    stream(exchange_recv)
elif WORK == "conns":
    conns()
elif WORK == "hold":
    hold()
else:
    raise SystemExit("unknown workload " + WORK)
