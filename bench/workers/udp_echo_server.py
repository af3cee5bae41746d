# UDP echo server: one thread answering each datagram to its sender, as the
# note's UDP server does (recvfrom + sendto: both allocate in either mode).
#   micropython udp_echo_server.py MODE PORT
# stdin: "quit" (or EOF) -> exit.
import sys
from adapter import socket, listener, _thread
import control

PORT = int(sys.argv[2])
LIFE_MS = 600000
stopping = [False]


def echo_loop(s):
    while not stopping[0]:
        try:
            d, peer = s.recvfrom(2048)
            s.sendto(d, peer)
        except OSError:
            pass  # the 1 s timeout: look at `stopping` again


s = listener(PORT, socket.SOCK_DGRAM)
s.settimeout(1)
_thread.start_new_thread(echo_loop, (s,))
control.say("ready")
control.command(LIFE_MS)  # "quit", EOF or silence
stopping[0] = True
sys.exit(0)
