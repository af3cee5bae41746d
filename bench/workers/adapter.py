# The one place where the two modes differ. Every worker imports its socket
# module, address maker and _thread from here, so the workload code is the
# same line for line in both modes.
#   raw:  the interpreter's own socket; addresses are getaddrinfo's raw sockaddr
#   shim: QuecPython's usocket from shim/ (and the shim's _thread, which is
#         what a QuecPython app gets after boot.py); addresses are (ip, port)
# accept()[0] is the connection in both: (conn, raw) raw, (conn, ip, port) shim.
import sys

MODE = sys.argv[1]
if MODE == "shim":
    ROOT = sys.path[0].rsplit("/", 2)[0]  # bench/workers -> the checkout
    sys.path.insert(0, ROOT)
    import shim

    shim.install()
    import usocket as socket

    def addr(ip, port):
        return (ip, port)

    def native(sock):
        return sock._s  # QuecPython's setsockopt has no TCP_NODELAY: reach past it

elif MODE == "raw":
    import socket

    def addr(ip, port):
        return socket.getaddrinfo(ip, port)[0][-1]

    def native(sock):
        return sock

else:
    raise SystemExit("mode must be raw or shim, not %r" % MODE)

import _thread  # noqa: E402  after install(): the shim's own in shim mode


def nodelay(sock):
    """TCP_NODELAY (IPPROTO_TCP 6, option 1 on Linux). Without it a 64 KiB
    message is two segments on loopback (MSS 65483), Nagle holds the 53-byte
    tail until the first is acked, and a delayed ACK stalls the round trip for
    40-200 ms at random: the kernel's noise, not the shim's, so both modes
    turn it off the same way."""
    native(sock).setsockopt(6, 1, 1)


def listener(port, kind=None, backlog=128):
    s = socket.socket(socket.AF_INET, kind or socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(addr("127.0.0.1", port))
    if kind is None:
        s.listen(backlog)
    return s
