# UDP round trips: send a datagram to udp_echo_server.py, wait for the reply.
#   micropython udp_client.py MODE PORT SIZE SECONDS -> "result ROUND_TRIPS_PER_S N US"
# A lost datagram would stall a round trip until the timeout; on loopback
# none are lost, and a timeout ends the run with an error instead of a number.
import sys
import time
from adapter import socket, addr
import control

PORT, SIZE, SECONDS = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
TIMEOUT_S = 10
SERVER = addr("127.0.0.1", PORT)
WARMUP = 20

msg = bytes(SIZE)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(TIMEOUT_S)


def round_trip():
    s.sendto(msg, SERVER)
    if len(s.recvfrom(2048)[0]) != SIZE:
        raise OSError("short echo")


for _ in range(WARMUP):
    round_trip()
limit = int(SECONDS * 1000000)
n = 0
t0 = time.ticks_us()
while True:
    round_trip()
    round_trip()
    round_trip()
    round_trip()
    n += 4
    dt = time.ticks_diff(time.ticks_us(), t0)
    if dt >= limit:
        break
control.say("result", n * 1000000 / dt, n, dt)
