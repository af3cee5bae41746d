"""The null modem's simulator: TCP client sockets on the modem's network
(loopback), behind the text protocol described in __init__.py."""

from qpyshim.modemsim.base import Simulator
from qpyshim.modemsim.net import UnknownHost

ERRNO = {"dns": 113, "refused": 111, "unreachable": 113, "timeout": 110}


class NullSim(Simulator):
    NAME = "null"

    def __init__(self, *args, sockets=4, **kw):
        self.limit = sockets
        super().__init__(*args, **kw)

    def reset(self):
        self.buf = b""
        self.need = None  # (id, n): the data of an S command still to come
        self.socks = {}  # the driver's id -> host socket
        self.up = False

    def banner(self):
        return b""

    # -- the line ---------------------------------------------------------------------
    def received(self, data):
        self.buf += data
        while True:
            if self.need:
                id, n = self.need
                if len(self.buf) < n:
                    return
                chunk, self.buf = self.buf[:n], self.buf[n:]
                self.need = None
                self.sent(id, chunk)
                continue
            line, nl, rest = self.buf.partition(b"\n")
            if not nl:
                return
            self.buf = rest
            self.command(line.decode("ascii", "replace").split())

    def reply(self, *words):
        self.send((" ".join(str(w) for w in words) + "\n").encode())

    def command(self, f):
        if not f:
            return
        op, args = f[0], f[1:]
        if op == "AT":
            self.reply("OK")
        elif op == "UP":
            self.up = True
            self.reply("OK", self.net.ip)
        elif op == "DOWN":
            self.up = False
            self.drop_connections()
            self.reply("OK")
        elif op == "R" and len(args) == 1:
            try:
                self.reply("OK", self.net.resolve(args[0]))
            except UnknownHost:
                self.reply("ERR", -202)
        elif op == "C" and len(args) == 3:
            self.open(int(args[0]), args[1], int(args[2]))
        elif op == "S" and len(args) == 2:
            self.need = (int(args[0]), int(args[1]))
        elif op == "X" and len(args) == 1:
            s = self.socks.pop(int(args[0]), None)
            if s is not None:
                self.close_host(s)
            self.reply("OK")
        else:
            self.malformed(" ".join(f).encode())
            self.reply("ERR", 22)

    def open(self, id, host, port):
        if not self.up:
            return self.reply("ERR", 113)
        if id in self.socks or len(self.socks) >= self.limit:
            return self.reply("ERR", 23)

        def done(sock, why):
            if sock is None:
                return self.reply("ERR", ERRNO.get(why, 5))
            self.socks[id] = sock
            self.watch(sock, on_read=lambda s: self.arrived(id, s))
            self.reply("OK")

        self.connect(host, port, done)

    def sent(self, id, chunk):
        s = self.socks.get(id)
        if s is None:
            return self.reply("ERR", 107)
        s.settimeout(5)  # loopback: the peer's buffer takes a test's data at once
        try:
            s.sendall(chunk)
        except OSError:
            return self.reply("ERR", 104)
        finally:
            s.setblocking(False)
        self.reply("OK")

    def arrived(self, id, sock):
        try:
            data = sock.recv(4096)
        except BlockingIOError:
            return
        except OSError:
            data = None
        if data:
            self.send(b"D %d %d\n" % (id, len(data)) + data)
            return
        self.socks.pop(id, None)
        self.close_host(sock)
        self.send(b"E %d %d\n" % (id, 0 if data == b"" else 104))

    # -- faults -------------------------------------------------------------------------
    def drop_connections(self):
        for id, s in list(self.socks.items()):
            self.close_host(s, reset=True)
            self.send(b"E %d 104\n" % id)
        self.socks.clear()

    def lose_context(self):
        self.up = False
        self.drop_connections()
