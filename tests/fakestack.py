# A network stack for tests: the interface shim/_lib/stack.py documents, with no
# network behind it. It records every call (stack.calls: (name, args...)) and
# raises the errno a test chose for an operation (stack.fail("connect", 111));
# its sockets hold what a test feeds them. Hand it to the board:
#
#     stack = FakeStack(link=FakeLink())
#     shim._lib.board.install({}, stack)
#
# and usocket, dataCall and checkNet use it. Plain Python that runs on
# MicroPython's unix port and on CPython.
import _thread


def oserror(n):
    # As the native socket raises it: e.errno set on CPython as on MicroPython.
    from shim._ports import port

    return port.oserror(n)


class FakeSocket:
    """A native socket: what usocket calls on one, recorded; data comes from
    rx (fed by the test), and a call with nothing to read says EAGAIN (11),
    as a timed-out native recv does on the unix port."""

    def __init__(self, stack, af, type):
        self.stack = stack
        self.af, self.type = af, type
        self.rx = []  # chunks the peer sent, oldest first
        self.tx = []  # what the app sent
        self.eof = False  # the peer closed: reads give b'' once rx is empty
        self.timeout = None
        self.bound = None
        self.closed = False

    def _call(self, name, *args):
        return self.stack._call(name, self, *args)

    def settimeout(self, t):
        self.timeout = t

    def setblocking(self, flag):
        self.timeout = None if flag else 0

    def connect(self, raw):
        self._call("connect", raw)

    def bind(self, raw):
        self._call("native_bind", raw)
        self.bound = raw

    def listen(self, backlog=0):
        self._call("listen", backlog)

    def accept(self):
        self._call("accept")
        raise oserror(11)  # nobody is calling

    def _take(self, size):
        if self.rx:
            data = self.rx.pop(0)
            if len(data) > size:
                self.rx.insert(0, data[size:])
                data = data[:size]
            return data
        if self.eof:
            return b""
        raise oserror(11)

    def recv(self, size, *flags):
        self._call("recv", size)
        return self._take(size)

    def recvfrom(self, size, *flags):
        self._call("recvfrom", size)
        return self._take(size), ("10.9.9.9", 5000)

    def read(self, size=4096):
        self._call("read", size)
        try:
            return self._take(size)
        except OSError:
            return None  # a stream read that would block

    def readinto(self, buf, nbytes=None):
        data = self.read(len(buf) if nbytes is None else nbytes)
        if data is None:
            return None
        buf[:len(data)] = data
        return len(data)

    def readline(self):
        return self.read(4096)

    def send(self, buf):
        self._call("send", bytes(buf))
        self.tx.append(bytes(buf))
        return len(buf)

    def write(self, buf):
        return self.send(buf)

    def sendall(self, buf):
        self.send(buf)

    def sendto(self, buf, raw):
        self._call("sendto", bytes(buf), raw)
        self.tx.append(bytes(buf))
        return len(buf)

    def setsockopt(self, *args):
        self._call("setsockopt", *args)

    def fileno(self):
        return -1

    def close(self):
        self.stack.calls.append(("close", self))
        self.closed = True


class FakeStack:
    kind = "fake"

    def __init__(self, link=None):
        self.calls = []  # (name, args...) in call order
        self.errors = {}  # name -> errno every call of that name raises
        self.sockets = []  # every socket made, oldest first
        self.hosts = {"fake.example": "10.0.0.7"}
        self.refused = set()  # addresses route() refuses: no route to them (113)
        self.lock = _thread.allocate_lock()
        self.gen = 0
        self.default_src = None
        self.link = link

    def fail(self, name, errno):
        """Every later call of `name` raises OSError(errno); errno None: stops."""
        if errno is None:
            self.errors.pop(name, None)
        else:
            self.errors[name] = errno

    def _call(self, name, *args):
        self.calls.append((name,) + args)
        n = self.errors.get(name)
        if n is not None:
            raise oserror(n)

    def names(self):
        return [c[0] for c in self.calls]

    # -- the stack interface (shim/_lib/stack.py)
    def socket(self, af, type):
        self._call("socket", af, type)
        s = FakeSocket(self, af, type)
        self.sockets.append(s)
        return s

    def tcp_state(self, s):
        self._call("tcp_state", s)
        return 4  # ESTABLISHED

    def abort(self, s):
        self.calls.append(("abort", s))

    def readable(self, s, ms):
        self.calls.append(("readable", s, ms))
        return bool(s.rx) or s.eof

    def keepalive(self, s, minutes):
        self._call("keepalive", s, minutes)

    def reuseaddr(self, s, on):
        self._call("reuseaddr", s, on)

    def addr(self, ip, port):
        return (ip, port)

    def view(self, raw):
        return raw

    def is_literal(self, s):
        if ":" in s:
            return True
        parts = s.split(".")
        return len(parts) == 4 and all(p.isdigit() and int(p) < 256 for p in parts)

    def is_local(self, ip):
        return ip.startswith("10.")

    def resolve(self, host):
        self._call("resolve", host)
        if self.is_literal(host):
            return host
        ip = self.hosts.get(host)
        if ip is None:
            raise oserror(-202)
        return ip

    def route(self, ip, port, type):
        self._call("route", ip, port, type)
        if ip in self.refused:
            raise oserror(113)
        return (ip, port)

    def bind(self, s, ip, port, type):
        self._call("bind", ip, port, type)
        s.bind((ip, port))
        return None

    def release(self, key):
        self.calls.append(("release", key))


class FakeLink:
    """What stands behind dataCall's profile 1: up at power-on (when the
    board auto-activates it) with the address and DNS servers given."""

    def __init__(self, ipv4="10.0.0.2", dns=("10.0.0.53", "10.0.0.54"), sim=1, reg=1):
        self.ipv4, self.dns = ipv4, [dns[0], dns[1]]
        self._sim, self._reg = sim, reg
        self.calls = []
        self.update = None

    def start(self, auto, update):
        self.calls.append(("start", auto))
        self.update = update
        if auto:
            update(1, True, self.ipv4, self.dns)

    def sim(self):
        return self._sim

    def reg(self):
        return self._reg

    def bring(self, up, ctx):
        self.calls.append(("bring", up, list(ctx)))
        self.update(1, up, self.ipv4 if up else None, None)
        return 0
