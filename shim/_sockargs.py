# usocket's argument rules: what a wrong type or value raises, shared by
# every method that takes an int or a (host, port) address.
from ._port import port as _p


def integer(v, what):
    if not isinstance(v, int):
        raise TypeError("%s must be an int, not %s" % (what, type(v).__name__))
    return v


def _pair(a):
    if not isinstance(a, (tuple, list)) or len(a) != 2:
        raise TypeError("address must be a (host, port) tuple or list")
    host, n = a
    if not isinstance(host, str):
        raise TypeError("host must be a str")
    return host, n


def address(a):
    """A (host, port) for connect, bind and sendto. The port may be a digit
    string, as getaddrinfo reads it: the firmware resolves connect's address
    that way, and the 2021 firmware bind's too."""
    host, n = _pair(a)
    return host, service(n)


def service(n):
    # lwIP's getaddrinfo reads a port string as a number; anything else is
    # EAI_SERVICE, which QuecPython raises negated.
    if isinstance(n, str):
        if not n or n.strip("0123456789"):  # ASCII digits only, as lwIP reads them
            raise _p.oserror(-201)
        n = int(n)
    return port(n)


def port(n):
    if not 0 <= integer(n, "port") <= 65535:
        raise ValueError("port must be 0-65535")
    return n
