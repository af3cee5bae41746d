# How a usocket gets its addresses: bind, listen, accept (through the board's
# firewall), connect, and the local address each leaves from (the data call's,
# the default NIC's); the states a socket passes through on the way. usocket's
# class takes these functions as its methods (`self` is a usocket.socket), so
# its file holds the API and the data calls; none of these is on a data path
# but the first sendto to a new address.
from .._ports import port as _p
from . import board as _board
from . import config as _config
from . import firewall as _firewall
from . import limits as _limits
from . import modem as _modem
from . import sockargs as _a
from . import sockcalls as _sc
from .sockcalls import _err

# Every name here costs the board a slot in this module's globals, so the
# constants below are numbers: an _af of 10 is usocket.AF_INET6, a _type of 1
# usocket.SOCK_STREAM.

# Socket life, mapped to lwIP tcp_state numbers by getsocketsta(). A failed
# connect reads as CLOSED (0) but, unlike a new socket, can't connect again.
NEW, CONNECTING, CONNECTED, LISTEN, EOF, CLOSED, FAILED = 0, 2, 4, 1, 7, -1, 100
socket = None  # usocket.socket, which accept() makes: set by usocket, which imports this first
_REFUSED = getattr(_p, "CONNECT_RESET_REFUSED", False)  # the board's lwIP says 104 for a refusal
keys = {}  # socket -> its remapped bind's key, released on close (under _limits.lock)


def net():
    """The board's network stack, looked up when a socket needs it."""
    return _board.get().net


def _route_from(self):
    # Which local address the traffic leaves from; none while no data call is up.
    ip = self._ip
    if ip is None:
        ip = net().default_src or _modem.source()
        if ip is None:
            raise _err(113)  # EHOSTUNREACH: no netif to route through
        self._ip = ip
    elif ip in _modem.gone:
        raise _err(113)


def bind(self, address):
    host, port = _a.address(address)
    n = net()
    if host == "":
        host = _modem.default_ip(self._af == 10)
    elif not n.is_literal(host) or (":" in host) != (self._af == 10):
        raise _err(22)  # QuecPython binds IP literals only
    try:
        key = n.bind(self._s, host, port, self._type)
    except OSError as e:
        raise _sc.mapped(e)
    with _limits.lock:
        if key is None:
            keys.pop(self, None)
        else:
            keys[self] = key
        self._f |= _sc.BOUND
    self._ip = host if key is None else key[0]  # a wildcard: the board's address


def listen(self, backlog=0):
    if not self._f & _sc.BOUND and _board.get().own:  # the desktop's: never the host's wildcard
        bind(self, ("::" if self._af == 10 else "0.0.0.0", 0))  # not the kernel's wildcard
    try:
        self._s.listen(_a.backlog(backlog))
    except OSError as e:
        raise _sc.mapped(e)
    self._st = LISTEN


def accept(self):
    if self._st == CLOSED:
        raise _err(9)
    if self._type != 1:
        raise _err(95)  # EOPNOTSUPP, as lwIP and Linux say
    if self._st != LISTEN:
        raise _err(22)  # lwIP: ERR_CLSD on a TCP netconn -> EINVAL
    n = net()
    while True:
        if self._f & _sc.WAITS:
            from . import sockwait  # loaded by the settimeout that set WAITS

            sockwait.accept(self)  # 110 at the deadline
        ns, raw = _sc.accept(self._s, self._to, _board.get().down)
        ip, port = n.view(raw)
        if _firewall.admits(ip):
            break
        ns.close()  # the listener firewall: closed before the app sees it
        _config.log("firewall: refused %s:%d (not in the board's firewall allowlist)" % (ip, port))
    if self._to is not None:
        ns.settimeout(None)  # accepted sockets start blocking, as on the module
    # ENFILE past the limit: the peer sees it closed. Its address is set
    # before it is registered, so a data-call drop can't miss it.
    conn = socket(self._af, self._type, self._proto, _native=ns, _src=self._ip, _peer=(ip, port))
    return conn, ip, port


def _leave_from_default_nic(self):
    # After set_default_NIC, unbound sockets leave from that NIC's address;
    # on the desktop an unbound sender leaves from the board's own (the
    # kernel would bind the host's wildcard).
    n = net()
    ip = n.default_src or _board.get().own(self._af == 10)
    try:
        if getattr(n, "src_own", False):  # the desktop's, in a block (vnet.leave_from)
            n.leave_from(self._s, ip, self._type == 1)
        else:
            self._s.bind(n.addr(ip, 0))
    except OSError as e:
        raise _sc.mapped(e)
    _sc.flag(self, _sc.BOUND)


def connect(self, address):
    if self._st == CLOSED:
        raise _err(9)
    if self._type == 1 and self._st != NEW:
        raise _err(114)  # set before the attempt: a failed socket can't retry
    host, port = _a.address(address)
    n = net()
    ip = n.resolve(host)
    if (":" in ip) != (self._af == 10):
        raise _err(22)  # lwIP: a sockaddr of the other family is ERR_VAL
    raw = n.route(ip, port, self._type)
    _route_from(self)
    if (n.default_src or getattr(n, "src_own", False)) and not self._f & _sc.BOUND:
        _leave_from_default_nic(self)
    self._g.peer = (ip, port)
    self._st = CONNECTING
    _connect(self, raw, n)
    _connected(self)


def _connected(self):
    with _limits.lock:
        # The data call dropped while the connect was under way (before
        # the abort could see this socket as connecting, or after).
        dead = self._f & _sc.DEAD or self._ip in _modem.gone
        if dead:
            self._f |= _sc.DEAD
            self._st = FAILED
        else:
            self._st = CONNECTED
    if dead:
        net().abort(self._s)
        raise _err(103)


def _settle(self):
    # A non-blocking connect: an empty send says whether it finished.
    try:
        self._s.send(b"")
    except OSError as e:
        if _sc.errno(e) != 11:
            self._st = FAILED
        return self._st
    try:
        _connected(self)
    except OSError:
        pass  # aborted: reads as closed
    return self._st


def _dest(self, address):
    host, port = _a.address(address)
    n = net()
    if not n.is_literal(host) or (":" in host) != (self._af == 10):
        raise ValueError("sendto takes an IP address literal, not %r" % host)
    return _sc.Dest(self, address if type(address) is tuple else (host, port), n.route(host, port, self._type), n.gen)


def _connect(sock, raw, n):
    try:
        if sock._f & _sc.WAITS:
            from . import sockwait  # loaded by the settimeout that set WAITS

            sockwait.connect(sock, raw, n)  # 110 at the deadline, never the kernel's SYN retries
        else:
            sock._s.connect(raw)
    except OSError as e:
        no = _sc.errno(e)
        if no == 104 and sock._type == 1:
            if not _REFUSED:
                # Accepted, then reset before connect() returned (a signal made
                # the interpreter ask again): the connect succeeded; lwIP reports
                # the reset on the next data call, so that call says 104.
                _sc.flag(sock, _sc.RST)
                return
            # A board's lwIP answers the SYN's RST with ERR_RST (104): the
            # peer refused, as the host's ECONNREFUSED says on the desktop.
            sock._st = FAILED
            raise _err(111)
        if no not in (115, 11):  # not merely in progress
            sock._st = FAILED
        raise sock._fix(e)
