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


def aliases():
    """The u-names CPython lacks (usys, ujson, ...) -> their modules; sys and gc
    gain MicroPython's extra functions."""
    import errno, gc, hashlib, io, json, random, re, select, sys, zlib

    # MicroPython's sys and gc carry these; apps call them (an app's
    # `except Exception as e: usys.print_exception(e)` must not crash). Added
    # to the host's own modules, so `import sys`/`import gc` find them too.
    if not hasattr(sys, "print_exception"):
        sys.print_exception = print_exception
    for n in ("mem_alloc", "mem_free", "threshold"):
        if not hasattr(gc, n):
            setattr(gc, n, globals()[n])
    return {
        "usys": sys, "ujson": json, "ustruct": ustruct, "ubinascii": ubinascii,
        "ucollections": ucollections, "uhashlib": hashlib, "uio": io, "ure": re,
        "urandom": random, "uzlib": zlib, "uselect": select, "uerrno": errno,
    }
