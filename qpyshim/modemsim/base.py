"""What every modem simulator shares: the line to the driver (lines.py)
paced like a UART at the configured baud rate, one selector loop over the
line and every host socket, host connects that finish asynchronously as a
modem's do, faults, and restart. A dialect's simulator is one subclass
that owns its parts (a pure codec, its socket table) as objects."""

import collections
import errno
import selectors
import socket
import sys
import threading
import time

from .lines import PtyLine
from .net import SimNet, UnknownHost, Unreachable

# epoll waits whole milliseconds: a paced line due within one is served at
# once (its accounting still runs from when it was due, so the rate holds).
SLACK = 0.001
FAULTS = ("drop", "refuse-listen", "refuse-connect", "lose-context", "garble", "restart")
# (dialect, errors) of the simulators made in this process, newest last: a
# test harness fails a test whose simulator swallowed an exception
# (errors_since). The lists, not the simulators, so a stopped simulator's
# descriptors are not kept; bounded for long runs.
ERROR_LOGS = collections.deque(maxlen=256)


def error_mark():
    """Where every simulator's error list stands now (for errors_since)."""
    return [(errors, len(errors)) for _, errors in list(ERROR_LOGS)]


def errors_since(mark=None):
    """Exceptions simulators made in this process swallowed (printed,
    answered ERROR, carried on) after `mark`: [(dialect, exception)]."""
    done = {id(errors): n for errors, n in mark or ()}  # the mark holds the lists: ids stay theirs
    return [(name, e) for name, errors in list(ERROR_LOGS) for e in errors[done.get(id(errors), 0):]]


class Simulator:
    """Subclasses implement received(data) for bytes from the driver, reset()
    for power-on state, and banner() for what the modem prints at boot."""

    NAME = "modem"

    def __init__(self, line=None, cfg=None, baud=None, ip="127.0.0.1", log=None, faults=()):
        self.line = line or PtyLine()
        self.net = SimNet(cfg, ip)
        self.cfg = cfg or {}
        self.rate = baud / 10 if baud else None  # bytes a second: 8N1 is ten bits a byte
        self.log = log  # a stream for every byte both ways, or None
        self.sel = selectors.DefaultSelector()
        self.txbuf = bytearray()  # to the driver, not yet on the line
        self.tx_free = self.rx_free = 0.0  # when the paced line can carry the next byte
        self.armed = {f: 0 for f in FAULTS}
        for f in faults:
            self.fault(f)
        self._calls = []
        self._calls_lock = threading.Lock()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self.sel.register(self._wake_r, selectors.EVENT_READ, self._run_calls)
        self._line_fd = None
        self.thread = None
        self.stopping = False
        self.watched = {}  # host socket -> (on_read, on_write)
        self.muted_until = 0.0  # mute(): until then, what the modem says is lost
        self.errors = []  # exceptions the loop caught (a simulator bug): tests assert none
        ERROR_LOGS.append((self.NAME, self.errors))
        self.bad = []  # input from the driver the modem could not take as a command or frame
        self.reset()

    # -- the line ---------------------------------------------------------------
    def send(self, data):
        """Bytes for the driver (paced, in order)."""
        if self.muted_until and time.monotonic() < self.muted_until:
            if self.log:
                self.log.write(f"{self.NAME} -> (lost) {bytes(data)!r}\n")
            return
        if self.log:
            self.log.write(f"{self.NAME} -> {bytes(data)!r}\n")
        self.txbuf += data

    def mute(self, seconds):
        """Lose everything the modem says for `seconds` (replies and URCs
        alike, as a line that drops bytes does); it still hears the driver."""
        self.muted_until = time.monotonic() + seconds

    def malformed(self, what):
        """A dialect's note that the driver sent something it could not take."""
        if len(self.bad) < 100:
            self.bad.append(bytes(what))

    def _pump_line(self):
        now = time.monotonic()
        if self.txbuf and now >= self.tx_free - SLACK:
            n = len(self.txbuf) if self.rate is None else max(1, min(len(self.txbuf), int(self.rate * 0.004)))
            done = self.line.write(bytes(self.txbuf[:n]))
            del self.txbuf[:done]
            if not done:
                self.tx_free = now + 0.002  # the driver is not reading: look again shortly
            elif self.rate:
                self.tx_free = max(now, self.tx_free) + done / self.rate
        # While the paced line is still "carrying" the last bytes read, the
        # line is not watched: the driver's next bytes wait in the pty.
        want = self.line.fileno() if now >= self.rx_free - SLACK else None
        if want != self._line_fd:
            if self._line_fd is not None:
                try:
                    self.sel.unregister(self._line_fd)
                except (KeyError, ValueError, OSError):
                    pass
            if want is not None:
                self.sel.register(want, selectors.EVENT_READ, self._read_line)
            self._line_fd = want

    def _read_line(self, _):
        now = time.monotonic()
        n = 4096 if self.rate is None else max(1, int(self.rate * 0.004))
        data = self.line.read(n)
        if self.rate and data:
            self.rx_free = max(now, self.rx_free) + len(data) / self.rate
        if data:
            if self.log:
                self.log.write(f"{self.NAME} <- {data!r}\n")
            self.received(data)

    # -- host sockets ----------------------------------------------------------------
    def watch(self, sock, on_read=None, on_write=None):
        ev = (selectors.EVENT_READ if on_read else 0) | (selectors.EVENT_WRITE if on_write else 0)
        self.watched[sock] = (on_read, on_write)
        try:
            self.sel.modify(sock, ev, None)
        except KeyError:
            self.sel.register(sock, ev, None)

    def unwatch(self, sock):
        self.watched.pop(sock, None)
        try:
            self.sel.unregister(sock)
        except (KeyError, ValueError):
            pass

    def close_host(self, sock, reset=False):
        self.unwatch(sock)
        if reset:
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            except OSError:
                pass
        sock.close()

    def _host_event(self, sock, mask=None):
        on_read, on_write = self.watched.get(sock, (None, None))
        if mask & selectors.EVENT_WRITE and on_write:
            on_write(sock)
        if mask & selectors.EVENT_READ and on_read and sock in self.watched:
            on_read(sock)

    def connect(self, host, port, done):
        """Start a host TCP connect to the modem's (host, port); done(sock,
        None) or done(None, why) later, why one of 'dns', 'refused',
        'unreachable', 'timeout'."""
        if self.take("refuse-connect"):
            self.later(lambda: done(None, "refused"))
            return
        try:
            ip = self.net.resolve(host)
            real = self.net.route(ip, port, "tcp")
        except UnknownHost:
            self.later(lambda: done(None, "dns"))
            return
        except (Unreachable, ValueError):
            self.later(lambda: done(None, "unreachable"))
            return
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(real)

        def finished(sock):
            self.unwatch(sock)
            e = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if e:
                sock.close()
                done(None, "refused" if e == errno.ECONNREFUSED else "unreachable")
            else:
                done(sock, None)

        self.watch(s, on_write=finished)

    # -- running ----------------------------------------------------------------------
    def later(self, fn):
        """Run fn in the loop's thread (from any thread, or the loop itself)."""
        with self._calls_lock:
            self._calls.append(fn)
        try:
            self._wake_w.send(b"x")
        except OSError:
            pass

    def call(self, fn, timeout=10):
        """Run fn in the loop and return its result (for tests and the CLI)."""
        box, ev = [], threading.Event()

        def run():
            try:
                box.append((True, fn()))
            except Exception as e:  # handed back to the caller
                box.append((False, e))
            ev.set()

        self.later(run)
        if not ev.wait(timeout):
            raise TimeoutError("the simulator loop did not answer")
        ok, v = box[0]
        if not ok:
            raise v
        return v

    def _run_calls(self, _=None, __=None):
        try:
            while self._wake_r.recv(512):
                pass
        except BlockingIOError:
            pass
        with self._calls_lock:
            calls, self._calls = self._calls, []
        for fn in calls:
            try:
                fn()
            except Exception as e:
                import traceback

                self.errors.append(e)
                traceback.print_exc()

    def serve_forever(self):
        self.send(self.banner())
        while not self.stopping:
            self._pump_line()
            now = time.monotonic()
            timeout = 1.0
            if self.txbuf:
                timeout = min(timeout, max(0.0, self.tx_free - SLACK - now))
            if self._line_fd is None:  # unwatched until rx_free, which may have passed since _pump_line looked
                timeout = min(timeout, max(0.0, self.rx_free - SLACK - now))
            for key, mask in self.sel.select(timeout):
                try:
                    if key.data is None:  # a host socket
                        self._host_event(key.fileobj, mask)
                    else:
                        key.data(key.fileobj)
                except Exception as e:  # a simulator bug must not take the modem down
                    import traceback

                    self.errors.append(e)
                    traceback.print_exc()

    def start(self):
        self.thread = threading.Thread(target=self.serve_forever, name=f"{self.NAME}-sim", daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.stopping = True
        self.later(lambda: None)
        if self.thread:
            self.thread.join(5)
        for s in list(self.watched):
            self.close_host(s)
        self.line.close()

    # -- faults ------------------------------------------------------------------------
    def fault(self, name):
        """Arm a fault: drop, refuse-listen, refuse-connect, lose-context,
        garble (the next one), or restart (at once)."""
        if name not in FAULTS:
            raise ValueError(f"unknown fault {name!r}; one of {', '.join(FAULTS)}")
        if name == "restart":
            self.later(self.restart)
        elif name == "drop":
            self.later(self.drop_connections)
        elif name == "lose-context":
            self.later(self.lose_context)
        else:
            self.armed[name] += 1

    def take(self, name):
        if self.armed.get(name):
            self.armed[name] -= 1
            return True
        return False

    def restart(self):
        """Power-cycle: every host socket goes, the modem boots again."""
        for s in list(self.watched):
            self.close_host(s, reset=True)
        self.net = SimNet(self.cfg, self.net.ip)
        self.txbuf.clear()
        self.reset()
        self.send(self.banner())

    # For the dialects.
    def reset(self):
        raise NotImplementedError

    def banner(self):
        return b""

    def received(self, data):
        raise NotImplementedError

    def drop_connections(self):
        raise NotImplementedError

    def lose_context(self):
        raise NotImplementedError


def announce(sim, stream=sys.stderr):
    print(f"qpyshim: {sim.NAME} modem simulator on {sim.line.path}", file=stream, flush=True)
