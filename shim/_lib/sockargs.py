# usocket's argument rules: what a wrong type or value raises, shared by
# every method that takes an int or a (host, port) address.
from .._ports import port as _p


def integer(v, what):
    if not isinstance(v, int):
        raise TypeError("%s must be an int, not %s" % (what, type(v).__name__))
    return v


def name(host):
    """getaddrinfo's host: a NUL in it is a name nothing resolves (lwIP
    would read only the part before it)."""
    if isinstance(host, str) and "\x00" in host:
        raise _p.oserror(-202)
    return host


def address(a):
    """A (host, port) for connect, bind and sendto. The port may be a digit
    string, as getaddrinfo reads it: the firmware resolves connect's address
    that way, and the 2021 firmware bind's too."""
    if not isinstance(a, (tuple, list)) or len(a) != 2:
        raise TypeError("address must be a (host, port) tuple or list")
    host, n = a
    if not isinstance(host, str):
        raise TypeError("host must be a str")
    if "\x00" in host:
        # The C stack under every port stops reading at the NUL and would
        # bind or reach the address before it; no address holds one.
        raise _p.oserror(22)
    return host, service(n)


def service(n):
    # lwIP's getaddrinfo reads a port string as a number; anything else is
    # EAI_SERVICE, which QuecPython raises negated.
    if isinstance(n, str):
        if not n or n.strip("0123456789"):  # ASCII digits only, as lwIP reads them
            raise _p.oserror(-201)
        n = int(n)
    if not 0 <= integer(n, "port") <= 65535:
        raise ValueError("port must be 0-65535")
    return n


# Ranges checked before a value reaches the interpreter, which would crash,
# allocate the value up front (MemoryError) or wrap it. The module's machine
# word is 32 bits: a larger int is OverflowError there (mp_obj_get_int).
_WORD = 0x7FFFFFFF
RECV_MAX = 65536  # one recv/read returns at most this: more than any datagram holds
TIMEOUT_MAX = 429496729  # s: the module counts a timeout in 100 ms polls in a 32-bit word
BACKLOG_MAX = 255  # lwIP keeps the backlog in a byte (lwip_listen clamps to 0xff)


def word(v, what):
    if not -_WORD - 1 <= integer(v, what) <= _WORD:
        raise OverflowError("overflow converting long int to machine word")
    return v


def bufsize(n):
    """recv/recvfrom's size: the module allocates it before it reads, so a
    size that fits its word but not its heap is clamped to what one call can
    return; a stream read simply returns less, a datagram is never larger.
    One call, a type test and two compares on the data path."""
    if not isinstance(n, int):
        raise TypeError("bufsize must be an int, not %s" % type(n).__name__)
    if n < 0:
        if n < -_WORD - 1:
            raise OverflowError("overflow converting long int to machine word")
        raise ValueError("negative buffersize")
    if n < RECV_MAX:
        return n
    if n > _WORD:
        raise OverflowError("overflow converting long int to machine word")
    return RECV_MAX


def readsize(n):
    # read(): None or -1 read to the end, as MicroPython's stream read; any
    # other negative size would be allocated as 2**64 bytes.
    if n is None or n == -1:
        return n
    if word(n, "size") < 0:
        raise ValueError("negative size: read() or read(-1) reads to the end")
    return n if n < RECV_MAX else RECV_MAX


def timeout(t):
    """settimeout's value: None blocks; past TIMEOUT_MAX neither the module
    nor the ports can count it (the unix port would turn it into 0)."""
    if t is not None:
        if not isinstance(t, int) and not isinstance(t, float):  # no tuple built per call
            raise TypeError("timeout must be a number or None")
        if not t >= 0:  # also NaN
            raise ValueError("timeout must be >= 0 or None")
        if t > TIMEOUT_MAX:
            raise OverflowError("timeout too large: at most %d s, or None to block" % TIMEOUT_MAX)
    return t


def backlog(n):
    n = word(n, "backlog")
    return 0 if n < 0 else (n if n < BACKLOG_MAX else BACKLOG_MAX)


def proto(n):
    # The module keeps the protocol in a byte; a number that does not fit
    # is no protocol at all.
    if not 0 <= word(n, "proto") <= 255:
        raise _p.oserror(22)
    return n
