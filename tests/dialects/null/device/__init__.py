# The null modem's driver (tests/dialects/null/): TCP client sockets over a
# text protocol, one command a line. `qpyshim run` lays this folder on the
# board as shim/_modems/null/, where the shim looks drivers up by name.
from ..._ports import port as _p
from ..core import CONNECTED, CONNECTING, Driver as _Driver, limit_of

_err = _p.oserror


class Driver(_Driver):
    NAME = "null"

    def __init__(self, line, cfg):
        super().__init__(line, cfg)
        self.buf = b""
        self.need = None  # (id, n): the data of a D line still to come
        self.last_id = 0

    # -- the reader ---------------------------------------------------------------
    def parse(self, data):
        self.buf += data
        while True:
            if self.need:
                id, n = self.need
                if len(self.buf) < n:
                    return
                chunk = self.buf[:n]
                self.buf = self.buf[n:]
                self.need = None
                s = self.find(id)
                if s is not None:
                    s.feed(chunk)
                continue
            i = self.buf.find(b"\n")
            if i < 0:
                return
            f = self.buf[:i].decode().split()
            self.buf = self.buf[i + 1:]
            if not f:
                continue
            if f[0] == "D":
                self.need = (int(f[1]), int(f[2]))
            elif f[0] == "E":
                s = self.find(int(f[1]))
                if s is not None:
                    self.forget(s)
                    s.ended(int(f[2]))
            else:
                self.answer(f)

    def resync(self):
        self.buf = b""
        self.need = None

    def command(self, text, data=None, limit=None):
        def send():
            self.write(text.encode() + b"\n")
            if data:
                self.write(data)

        f = self.request(send, limit=limit)
        if f[0] != "OK":
            raise _err(int(f[1]) if len(f) > 1 else 5)
        return f

    # -- the link -----------------------------------------------------------------
    def init(self):
        self.command("AT")
        self.registered = True

    def bring_up(self, ctx=None):
        f = self.command("UP")
        self.set_link(True, f[1])

    def bring_down(self):
        self.command("DOWN")
        self.drop_all(103)
        self.set_link(False)

    def resolve(self, host):
        return self.command("R " + host)[1]

    # -- sockets ------------------------------------------------------------------
    def connect(self, sock, ip, port):
        if sock.type != 1:
            raise _err(95)  # EOPNOTSUPP: this modem has TCP client sockets only
        with self.lock:
            self.last_id += 1
            id = self.last_id
        self.own(sock, id)
        try:
            self.command("C %d %s %d" % (id, ip, port), limit=limit_of(sock))
        except OSError:
            self.forget(sock)
            sock.id = None
            raise

    def send(self, sock, data):
        self.command("S %d %d" % (sock.id, len(data)), bytes(data), limit_of(sock))
        return len(data)

    def bind(self, sock, port):
        raise _err(95)

    def listen(self, sock, port, backlog):
        raise _err(95)

    def sendto(self, sock, data, ip, port):
        raise _err(95)

    def close(self, sock, was):
        if sock.id is None or self.find(sock.id) is not sock:
            return  # never connected, or the modem ended it already
        self.forget(sock)
        if was in (CONNECTED, CONNECTING):
            try:
                self.command("X %d" % sock.id)
            except OSError:
                pass
