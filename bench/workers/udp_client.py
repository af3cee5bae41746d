# UDP round trips: send a datagram to udp_echo_server.py, wait for the reply.
#   micropython udp_client.py MODE PORT SIZE SECONDS -> "result ROUND_TRIPS_PER_S N US"
# A lost datagram would stall a round trip until the timeout; on loopback
# none are lost, and a timeout ends the run with an error instead of a number.
import sys
from adapter import socket, addr
import control
from clock import timed

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
n, dt = timed(round_trip, SECONDS)
control.say("result", n * 1000000 / dt, n, dt)
