# The CPython port's stand-ins for what MicroPython has built in: the time
# module's API, timed waits, serial lines (a pty or a tty in raw mode, read
# without blocking) and TLS client sockets with MicroPython's stream
# methods. Split from _port_cpython.py, which imports them.
import os as _os
import time as _time

from . import _buf, _translate


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

        from ..._desktop.termios import cflag

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


# MicroPython's own manners in the u-modules, where CPython's differ in ways
# an app notices (behaviour of the MicroPython 1.2x builtins, checked side by
# side with the unix port). The rest of each module is CPython's own.
class ustruct:
    """struct as MicroPython packs: integers wrap to the field's width instead
    of raising (pack('<H', -1) is b'\\xff\\xff'), 's' takes str, a short
    argument list leaves the rest zero, unpack() reads a prefix of a longer
    buffer, a float too large for 'f' is inf, and every failure is a
    ValueError or TypeError (CPython's struct.error is neither)."""

    import struct as _s

    _CODES = "bBhHiIlLqQPefds"  # what MicroPython's binary.c knows, plus 'x' padding

    @classmethod
    def _items(cls, fmt):
        # (code, count, size) for each field; the byte-order prefix first.
        if not isinstance(fmt, (str, bytes)):
            raise TypeError("format must be str")
        if isinstance(fmt, bytes):
            fmt = fmt.decode()
        order = fmt[0] if fmt[:1] in ("<", ">", "!", "=", "@") else "@"
        body = fmt[1:] if order == fmt[:1] else fmt
        out, n = [], ""
        for c in body:
            if c.isdigit():
                n += c
                continue
            if c != "x" and c not in cls._CODES:
                raise ValueError("bad typecode")
            out.append((c, int(n) if n else 1))
            n = ""
        return order, out

    @classmethod
    def _wrap(cls, order, code, v):
        if code in "efd":
            if isinstance(v, str) or v is None:
                raise TypeError("can't convert %s to float" % type(v).__name__)
            v = float(v)
            if code != "d" and abs(v) > 3.4028234663852886e38 and v == v:
                return float("inf") if v > 0 else float("-inf")  # MicroPython packs inf
            return v
        if not isinstance(v, int):
            raise TypeError("can't convert %s to int" % type(v).__name__)
        bits = 8 * cls._s.calcsize(order + code)
        v &= (1 << bits) - 1
        if code in "bhilq" and v >> (bits - 1):
            v -= 1 << bits
        return v

    @classmethod
    def _args(cls, fmt, args):
        order, items = cls._items(fmt)
        fixed, i = [], 0
        for code, count in items:
            if code == "x":
                continue
            if code == "s":
                v = args[i] if i < len(args) else b""
                i += 1
                if isinstance(v, str):
                    v = v.encode()
                elif not isinstance(v, (bytes, bytearray, memoryview)):
                    raise TypeError("object with buffer protocol required")
                fixed.append(bytes(v))
                continue
            for _ in range(count):
                fixed.append(cls._wrap(order, code, args[i]) if i < len(args) else 0)
                i += 1
        return fixed

    @classmethod
    def _do(cls, fn, *a):
        try:
            return fn(*a)
        except cls._s.error as e:
            msg = str(e)
            raise ValueError("buffer too small" if "buffer" in msg or "range" in msg else msg) from None

    @classmethod
    def calcsize(cls, fmt):
        cls._items(fmt)
        return cls._do(cls._s.calcsize, fmt)

    @classmethod
    def pack(cls, fmt, *args):
        return cls._do(cls._s.pack, fmt, *cls._args(fmt, args))

    @classmethod
    def pack_into(cls, fmt, buffer, offset, *args):
        if offset < 0:
            offset += len(buffer)  # from the end, as MicroPython counts it
        if offset < 0 or offset + cls.calcsize(fmt) > len(buffer):
            raise ValueError("buffer too small")
        cls._do(cls._s.pack_into, fmt, buffer, offset, *cls._args(fmt, args))

    @classmethod
    def unpack(cls, fmt, data):
        return cls.unpack_from(fmt, data, 0)

    @classmethod
    def unpack_from(cls, fmt, data, offset=0):
        size = cls.calcsize(fmt)
        if offset < 0:
            offset += len(data)
        if offset < 0 or offset + size > len(data):
            raise ValueError("buffer too small")
        return cls._do(cls._s.unpack_from, fmt, data, offset)


class ubinascii:
    """binascii as MicroPython has it: str is taken wherever bytes are
    (hexlify('abc') is b'616263'), as MicroPython reads any buffer."""

    import binascii as _b

    unhexlify = staticmethod(_b.unhexlify)
    a2b_base64 = staticmethod(_b.a2b_base64)

    @staticmethod
    def _buf(data):
        return data.encode() if isinstance(data, str) else data

    @classmethod
    def hexlify(cls, data, sep=None):
        data = cls._buf(data)
        return cls._b.hexlify(data) if sep is None else cls._b.hexlify(data, sep)

    @classmethod
    def b2a_base64(cls, data, *, newline=True):
        return cls._b.b2a_base64(cls._buf(data), newline=newline)

    @classmethod
    def crc32(cls, data, crc=0):
        return cls._b.crc32(cls._buf(data), crc)


class ucollections:
    """collections as MicroPython has it: deque(iterable, maxlen[, flags]),
    maxlen required; flags bit 0 makes a full deque raise IndexError('full')
    on append instead of dropping the oldest item."""

    from collections import OrderedDict, namedtuple, deque as _deque

    class deque(_deque):
        def __init__(self, iterable, maxlen, flags=0):
            super().__init__(iterable, maxlen)
            self._full = flags & 1

        def _room(self):
            if self._full and len(self) >= self.maxlen:
                raise IndexError("full")

        def append(self, x):
            self._room()
            super().append(x)

        def appendleft(self, x):
            self._room()
            super().appendleft(x)

        def popleft(self):
            if not self:
                raise IndexError("empty")
            return super().popleft()

        def pop(self):
            if not self:
                raise IndexError("empty")
            return super().pop()


# gc.mem_alloc()/mem_free()/threshold() on CPython. CPython has no fixed
# heap, so the shim models one: HEAP bytes, of which what CPython's small-object
# allocator holds (sys.getallocatedblocks(), BLOCK bytes each on average) is
# in use. The numbers move as the app allocates and collects, as on the module.
HEAP = 16 * 1024 * 1024
BLOCK = 32
_threshold = [-1]


def mem_alloc():
    import sys

    return min(HEAP, sys.getallocatedblocks() * BLOCK)


def mem_free():
    return HEAP - mem_alloc()


def threshold(amount=None):
    if amount is None:
        return _threshold[0]
    if not isinstance(amount, int):
        raise TypeError("can't convert %s to int" % type(amount).__name__)
    _threshold[0] = amount if amount >= 0 else -1


def print_exception(exc, file=None):
    """MicroPython's sys.print_exception: the traceback to `file`, stdout by default."""
    import sys
    import traceback

    if not isinstance(exc, BaseException):
        raise TypeError("object isn't an exception")
    traceback.print_exception(type(exc), exc, exc.__traceback__, file=file or sys.stdout)
