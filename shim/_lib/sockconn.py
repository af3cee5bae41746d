# How a usocket gets its addresses: bind, listen, accept (through the board's
# firewall), connect, and the local address each leaves from (the data call's,
# the default NIC's); the states a socket passes through on the way. usocket's
# class takes these functions as its methods (`self` is a usocket.socket), so
# its file holds the API and the data calls; none of these is on a data path
# but the first sendto to a new address.
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


def _route_from(self):
    # Which local address the traffic leaves from; none while no data call is up.
    ip = self._ip
    if ip is None:
        ip = self._n.default_src or _modem.source()
        if ip is None:
            raise _err(113)  # EHOSTUNREACH: no netif to route through
        self._ip = ip
    elif ip in _modem.gone:
        raise _err(113)


def bind(self, address):
    host, port = _a.address(address)
    if host == "":
        host = _modem.default_ip(self._af == 10)
    elif not self._n.is_literal(host) or (":" in host) != (self._af == 10):
        raise _err(22)  # QuecPython binds IP literals only
    self._key = self._n.bind(self._s, host, port, self._type)
    self._bound = True
    self._ip = host if self._key is None else self._key[0]  # a wildcard: the board's address


def listen(self, backlog=0):
    if not self._bound and _board.get().own:  # the desktop's: never the host's wildcard
        self.bind(("::" if self._af == 10 else "0.0.0.0", 0))  # not the kernel's wildcard
    self._s.listen(_a.backlog(backlog))
    self._st = LISTEN


def accept(self):
    if self._st == CLOSED:
        raise _err(9)
    if self._type != 1:
        raise _err(95)  # EOPNOTSUPP, as lwIP and Linux say
    if self._st != LISTEN:
        raise _err(22)  # lwIP: ERR_CLSD on a TCP netconn -> EINVAL
    w = self._w
    while True:
        if w is not None:
            w.accept()  # 110 at the deadline
        ns, raw = _sc.accept(self._s, self._to)
        ip, port = self._n.view(raw)
        if _firewall.admits(ip):
            break
        ns.close()  # the listener firewall: closed before the app sees it
        _config.log("firewall: refused %s:%d (not in the board's firewall allowlist)" % (ip, port))
    if self._to is not None:
        ns.settimeout(None)  # accepted sockets start blocking, as on the module
    # ENFILE past the limit: the peer sees it closed. Its address is set
    # before it is registered, so a data-call drop can't miss it.
    conn = socket(self._af, self._type, self._proto, _native=ns, _src=self._ip)
    conn._peer = (ip, port)
    conn._fast()
    return conn, ip, port


def _leave_from_default_nic(self):
    # After set_default_NIC, unbound sockets leave from that NIC's address;
    # on the desktop an unbound sender leaves from the board's own (the
    # kernel would bind the host's wildcard).
    n = self._n
    self._s.bind(n.addr(n.default_src or _board.get().own(self._af == 10), 0))
    self._bound = True


def connect(self, address):
    if self._st == CLOSED:
        raise _err(9)
    if self._type == 1 and self._st != NEW:
        raise _err(114)  # set before the attempt: a failed socket can't retry
    host, port = _a.address(address)
    ip = self._n.resolve(host)
    if (":" in ip) != (self._af == 10):
        raise _err(22)  # lwIP: a sockaddr of the other family is ERR_VAL
    raw = self._n.route(ip, port, self._type)
    self._route_from()
    if self._n.default_src and not self._bound:
        self._leave_from_default_nic()
    self._peer = (ip, port)
    self._st = CONNECTING
    _connect(self, raw)
    _connected(self)


def _connected(self):
    with _limits.lock:
        # The data call dropped while the connect was under way (before
        # the abort could see this socket as connecting, or after).
        dead = self._dead or self._ip in _modem.gone
        if dead:
            self._dead = True
            self._st = FAILED
        else:
            self._st = CONNECTED
    if dead:
        self._n.abort(self._s)
        raise _err(103)
    self._fast()


def _settle(self):
    # A non-blocking connect: an empty send says whether it finished.
    try:
        self._s.send(b"")
    except OSError as e:
        if e.errno != 11:
            self._st = FAILED
        return self._st
    try:
        _connected(self)
    except OSError:
        pass  # aborted: reads as closed
    return self._st


def _dest(self, address):
    host, port = _a.address(address)
    if not self._n.is_literal(host) or (":" in host) != (self._af == 10):
        raise ValueError("sendto takes an IP address literal, not %r" % host)
    return _sc.Dest(self, address if type(address) is tuple else (host, port), self._n.route(host, port, self._type))


def _connect(sock, raw):
    try:
        w = sock._w
        if w is None:
            sock._s.connect(raw)
        else:
            w.connect(raw)  # 110 at the deadline, never the kernel's SYN retries
    except OSError as e:
        if e.errno == 104 and sock._type == 1:
            # Accepted, then reset before connect() returned (a signal made the
            # interpreter ask again): the connect succeeded; lwIP reports the
            # reset on the next data call, so that call says 104.
            sock._rst = True
            return
        if e.errno not in (115, 11):  # not merely in progress
            sock._st = FAILED
        raise sock._fix(e)
