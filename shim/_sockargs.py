# usocket's argument rules: what a wrong type or value raises, shared by
# every method that takes an int or a (host, port) address.


def integer(v, what):
    if not isinstance(v, int):
        raise TypeError("%s must be an int, not %s" % (what, type(v).__name__))
    return v


def address(a):
    if not isinstance(a, (tuple, list)) or len(a) != 2:
        raise TypeError("address must be a (host, port) tuple or list")
    host, n = a
    if not isinstance(host, str):
        raise TypeError("host must be a str")
    return host, port(n)


def port(n):
    if not 0 <= integer(n, "port") <= 65535:
        raise ValueError("port must be 0-65535")
    return n
