# The CPython port's stand-ins for what MicroPython has built in: the time
# module's API, timed waits, serial lines (a pty or a tty in raw mode, read
# without blocking) and TLS client sockets with MicroPython's stream
# methods. Split from _port_cpython.py, which imports them.
import os as _os
import time as _time

from ._port_cpython import _buf, _translate


class time:
    """The MicroPython `time` API over CPython's clocks."""

    _T0 = _time.monotonic_ns()
    _MASK = 0x3FFFFFFF  # ticks wrap as on the module

    sleep = staticmethod(_time.sleep)
    time = staticmethod(lambda: int(_time.time()))
    time_ns = staticmethod(_time.time_ns)

    @staticmethod
    def sleep_ms(ms):
        _time.sleep(ms / 1000)

    @staticmethod
    def sleep_us(us):
        _time.sleep(us / 1000000)

    @classmethod
    def ticks_ms(cls):
        return ((_time.monotonic_ns() - cls._T0) // 1000000) & cls._MASK

    @classmethod
    def ticks_us(cls):
        return ((_time.monotonic_ns() - cls._T0) // 1000) & cls._MASK

    ticks_cpu = ticks_us

    @classmethod
    def ticks_diff(cls, ticks1, ticks2):
        half = (cls._MASK + 1) // 2
        return ((ticks1 - ticks2 + half) & cls._MASK) - half

    @classmethod
    def ticks_add(cls, t, delta):
        return (t + delta) & cls._MASK

    @staticmethod
    def gmtime(secs=None):
        t = _time.gmtime(secs)
        return t[:6] + (t.tm_wday, t.tm_yday)

    localtime = gmtime

    @staticmethod
    def mktime(t):
        import calendar

        return calendar.timegm(tuple(t[:6]) + (0, 0, 0))


class _Waker:
    def __init__(self):
        import threading

        self._e = threading.Event()

    def wait(self, ms):
        self._e.wait(ms / 1000)
        self._e.clear()

    def wake(self):
        self._e.set()


def waker():
    return _Waker()


class _Tty:
    def __init__(self, path, baud, bits, parity, stop, flow):
        import select
        import termios
        import tty

        from ._termios import cflag

        self._fd = _os.open(path, _os.O_RDWR | _os.O_NOCTTY | _os.O_NONBLOCK)
        tty.setraw(self._fd)
        a = termios.tcgetattr(self._fd)
        a[2] = cflag(a[2], bits, parity, stop, flow)
        speed = getattr(termios, "B%d" % baud, None)
        if speed is not None:
            a[4] = a[5] = speed
        termios.tcsetattr(self._fd, termios.TCSANOW, a)
        self._p = select.poll()
        self._p.register(self._fd, select.POLLIN)

    def read(self, n):
        try:
            return _os.read(self._fd, n)
        except BlockingIOError:
            return b""

    def readable(self, ms):
        for _, ev in self._p.poll(ms):
            if ev & 0x18:
                raise OSError(5)
            return True
        return False

    def write(self, data):
        import select

        view, done = memoryview(data), 0
        while done < len(view):
            try:
                done += _os.write(self._fd, view[done:])
            except BlockingIOError:
                select.select([], [self._fd], [], 1)
        return done

    def close(self):
        fd, self._fd = self._fd, -1  # a later write fails instead of reaching a reused descriptor
        if fd >= 0:
            _os.close(fd)


def serial(path, baud, bits=8, parity=0, stop=1, flow=0):
    return _Tty(path, baud, bits, parity, stop, flow)


class _Tls:
    """CPython's SSLSocket with MicroPython's stream methods: read(n) waits
    for n bytes (or the end), a non-blocking read with nothing waiting
    returns None, write sends everything."""

    def __init__(self, s):
        self._s = s

    def _do(self, fn, *args):
        import ssl

        try:
            return fn(*args)
        except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
            return None  # non-blocking, nothing yet
        except ssl.SSLError as e:
            raise OSError(-(e.errno or 1), str(e)) from None
        except OSError as e:
            raise _translate(e) from None

    def read(self, n=-1):
        out = b""
        while n is None or n < 0 or len(out) < n:
            chunk = self._do(self._s.recv, 4096 if n is None or n < 0 else n - len(out))
            if chunk is None:
                return out or None
            if not chunk:
                break
            out += chunk
        return out

    def readinto(self, buf, n=None):
        data = self.read(n or len(buf))
        if data is None:
            return None
        buf[:len(data)] = data
        return len(data)

    def readline(self):
        out = b""
        while not out.endswith(b"\n"):
            c = self._do(self._s.recv, 1)
            if not c:
                break
            out += c
        return out

    def write(self, data):
        data = _buf(data)
        self._do(self._s.sendall, data)
        return len(data)

    def setblocking(self, flag):
        self._s.setblocking(flag)

    def getpeercert(self, binary_form=True):
        return self._s.getpeercert(True)

    def close(self):
        self._s.close()


def tls(sock, server_hostname, cert, key, ca):
    import ssl
    import tempfile

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    # As mbedtls on the module: with a CA the server's name is checked too
    # (when one is given); without one nothing is.
    ctx.check_hostname = bool(ca) and server_hostname is not None
    ctx.verify_mode = ssl.CERT_REQUIRED if ca else ssl.CERT_NONE
    if ca:
        pem = ca.lstrip().startswith(b"-----BEGIN")
        ctx.load_verify_locations(cadata=ca.decode() if pem else ca)  # PEM text or DER bytes
    if key:
        with tempfile.NamedTemporaryFile() as c, tempfile.NamedTemporaryFile() as k:
            c.write(cert)
            c.flush()
            k.write(key)
            k.flush()
            try:
                ctx.load_cert_chain(c.name, k.name)
            except ssl.SSLError:
                raise ValueError("invalid cert") from None
    try:
        t = ctx.wrap_socket(sock._k, server_hostname=server_hostname)
    except ssl.SSLCertVerificationError as e:
        raise OSError(-0x2700, e.verify_message) from None  # MBEDTLS_ERR_X509_CERT_VERIFY_FAILED
    except ssl.SSLError as e:
        raise OSError(-(e.errno or 1), str(e)) from None
    # CPython moves the descriptor into the TLS socket: the usocket's own
    # calls (settimeout, abort, close) go to it from now on.
    sock._k = t
    return _Tls(t)
