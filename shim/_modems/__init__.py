# A serial modem's own TCP/IP stack as the stack under usocket: the driver
# makes the sockets, the modem resolves names, and addresses go to it as the
# app wrote them (there is no virtual network in between: on the desktop the
# modem simulator keeps traffic on loopback).
from .._ports import port as _p
from .._lib import config as _config
from .._lib.iplit import is_literal, settled


class ModemNet:
    is_literal = staticmethod(is_literal)
    is_local = staticmethod(is_literal)  # every address is the modem's business

    def __init__(self, driver):
        self.driver = driver
        self.lock = _p.thread.allocate_lock()
        self.gen = 0  # routes never change: cached sendto destinations stay good
        self.default_src = None

    def socket(self, af, type):
        if af != 2:
            raise _p.oserror(97)  # EAFNOSUPPORT: these modems speak IPv4
        if type not in (1, 2):
            raise _p.oserror(93)  # EPROTONOSUPPORT: no raw sockets on a modem
        return self.driver.socket(type)

    def tcp_state(self, s):
        return s.state()

    def abort(self, s):
        s.abort()

    def readable(self, s, ms):
        return s.readable(ms)

    def keepalive(self, s, minutes):
        pass  # the modem's own setting

    def reuseaddr(self, s, on):
        pass

    def addr(self, ip, port):
        return (ip, port)

    def view(self, a):
        return a

    def route(self, ip, port, type):
        return (ip, port)

    def bind(self, s, ip, port, type):
        s.bind((ip, port))
        return None

    def release(self, key):
        pass

    def resolve(self, host):
        return settled(host) or self.driver.resolve(host)


class _DeadLine:
    # The configured line could not be opened: the modem never answers.
    def read(self, n):
        return b""

    def readable(self, ms):
        _p.time.sleep_ms(ms)
        return False

    def write(self, data):
        return len(data)

    def close(self):
        pass


def _named(kind):
    # A module name, so the config can't reach outside _modems/ (the
    # registry on the host allows the same: qpyshim/dialects.py).
    if not isinstance(kind, str) or not kind or not "a" <= kind[0] <= "z":
        return False
    for c in kind:
        if not ("a" <= c <= "z" or "0" <= c <= "9" or c == "_"):
            return False
    return True


def driver(kind):
    """The driver class of the dialect `kind`: its package, _modems/KIND/,
    exports it as Driver. Looked up by name, so a dialect is one folder (the
    firmware manifest freezes the folders whole: qpyshim/shipping.py)."""
    if not _named(kind):
        raise ValueError('stack "driver": no modem dialect named %r' % (kind,))
    try:
        mod = __import__(__name__ + "." + kind, None, None, ("Driver",))
    except ImportError as e:
        raise ValueError('stack "driver": no modem dialect named %r (%s)' % (kind, e))
    D = getattr(mod, "Driver", None)
    if D is None:
        raise ValueError('stack "driver": the %r package exports no Driver' % (kind,))
    return D


def load(kind, cfg):
    from .line import open_line

    D = driver(kind)
    try:
        d = D(open_line(cfg), cfg)
    except (OSError, ValueError) as e:
        _config.log("stack: can't open the %s modem's line %r: %s" % (kind, cfg.get("line"), e))
        d = D(_DeadLine(), cfg)
        d.dead = True
    return ModemNet(d)
