# The desktop board's virtual network: which names resolve, where each
# endpoint really lives, and the rule that nothing leaves loopback unless the
# config maps it there. Sockets consult it on connect/bind/sendto and to turn
# peer addresses back into what the app expects to see.
#
# Each running board has a loopback block of its own, 127.B.C.0/24 (the
# config's "block" k: B = k >> 8, C = k & 255; the runner moved the config's
# addresses there): its wildcard binds and remapped privileged ports sit on
# its own addresses, so boards side by side never collide. Another board's
# server is reached at that board's address; its remapped port is found
# because the remap is the same everywhere (port + ports.offset). Block 0,
# 127.0.0.0/24, is the host's (its stand-in servers).
import random
from .._ports import port as _p
from .._lib import config as _config

lock = _p.thread.allocate_lock()
default_src = None  # the default NIC's address, once an app sets one
dns_down = False  # set through the control channel: every name lookup fails
gen = 0  # bumped when a remapped bind comes or goes: sockets' cached routes are stale


def _hostport(s):
    # "1.2.3.4:80" -> ("1.2.3.4", 80); "1.2.3.4" -> ("1.2.3.4", None)
    if s.count(":") == 1:
        h, n = s.split(":")
        return h, int(n)
    return s, None


def _load(board):
    hosts = {"localhost": "127.0.0.1"}
    for k, v in board.section("hosts").items():
        hosts[k.lower()] = v
    ep, rev = {}, {}
    for k, v in board.section("endpoints").items():
        src, dst = _hostport(k), _hostport(v)
        if src[1] is None:
            ep[src[0]] = dst  # whole host: not reversed, its loopback IP is shared
        else:
            ep[src] = dst
            if dst[1] is not None:
                rev[dst] = src  # a stand-in's exact address answers as the public one
    ports = board.section("ports")
    mode = ports.get("remap_privileged", "auto")
    remap = mode == "always" or (mode == "auto" and not _p.privileged_ok())
    return hosts, ep, rev, remap, int(ports.get("offset", 8000))




_listen = {}  # (bound ip, app_port, type) -> real port, for remapped binds
_back = {}  # (ip, real_port) -> app_port


addr = _p.pack  # (ip, port) -> the native socket's address form

# The host's own sockets carry the traffic.
socket = _p.socket
tcp_state = _p.tcp_state
abort = _p.abort
readable = _p.readable
keepalive = _p.setsockopt_keepalive
reuseaddr = _p.setsockopt_reuseaddr


def is_local(ip):
    return ip.startswith("127.") or ip in ("::1", "0.0.0.0", "::")


def _load_owned(board):
    # Addresses the module has that the desktop does not (the USBNET gateway,
    # a NIC's static address): each stands in as a loopback address, so an
    # app may bind (and reach) it while the host binds loopback only.
    own = {}
    for k, v in board.section("addresses").items():
        if isinstance(v, str) and is_local(v) and v not in ("0.0.0.0", "::"):
            own[k] = v
        else:
            _config.log('addresses: %s -> %r ignored: the stand-in must be a loopback address' % (k, v))
    return own


def boot(board):
    """Take the names, endpoints and owned addresses from the board's config
    (the board calls this when it powers on with this stack)."""
    global _hosts, _ep, _rev, _remap, _offset, _own, default_src, dns_down, _pre
    k = _vboard_block(board.cfg)  # before the tables: it moves the config's addresses
    if k is None:
        k = board.cfg.get("block")  # the runner's: it moved them itself
    _pre = "127.%d.%d." % (k >> 8, k & 255) if isinstance(k, int) and 0 < k < 65536 else None
    if _pre is not None:
        board.cfg["block"] = k  # the board's: addresses the config leaves out go there too (config.lo)
    global src_own
    # In a block, a client leaves from the board's own address, as on the
    # module: a server (another board's, the user's) tells the boards apart.
    # Block 0 keeps the kernel's pick, 127.0.0.1, which is the board's there.
    src_own = _pre is not None
    _hosts, _ep, _rev, _remap, _offset = _load(board)
    _own = _load_owned(board)
    default_src = None
    dns_down = False


_hosts, _ep, _rev, _remap, _offset, _own = {}, {}, {}, False, 8000, {}  # until boot()
_pre = None  # "127.B.C." of the board's block; None: block 0, all of loopback is the board's
src_own = False  # whether unbound TCP clients are bound to the board's address (boot())


def leave_from(sock, ip, stream):
    """Bind an unbound client to `ip` before it connects. A stream socket
    asks Linux to pick its port at connect (IP_BIND_ADDRESS_NO_PORT), by the
    whole address pair: a port picked at bind could not be shared with any
    other connection, and a board making many short connections would run
    out of them while the old ones sit in TIME_WAIT."""
    if stream:
        try:
            sock.setsockopt(0, 24, 1)  # IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT
        except OSError:
            pass  # not Linux: a port per bind, as before
    sock.bind(addr(ip, 0))


def mine(ip):
    """Whether loopback `ip` is one of this board's addresses (its block,
    its own 127.0.0.1 and ::1, its owned addresses' stand-ins), not another
    board's or the host's servers'."""
    if _pre is None:
        return is_local(ip)
    return ip.startswith(_pre) or ip in ("127.0.0.1", "::1") or ip in _own.values()


def _vboard_block(cfg):
    # `qpyshim board` holds a block for its board and names it here: the
    # board's /board.json is the one deployed, so its own addresses (the
    # profiles', the NICs', the owned ones' stand-ins) move into the block
    # now, as the runner moves a run's (qpyshim/boardblock.py). None: not
    # on the virtual board.
    try:
        import os

        if not os.getenv("QPYSHIM_VBOARD"):
            return None
        k = int(os.getenv("QPYSHIM_BLOCK") or 0)
    except (ImportError, AttributeError, ValueError):
        return None
    if not 0 < k < 65536:
        return 0
    pre = "127.%d.%d." % (k >> 8, k & 255)
    dc = cfg.get("datacall")
    for group in ((dc.get("profiles") if isinstance(dc, dict) else None), cfg.get("nics")):
        if isinstance(group, dict):
            for d in group.values():
                if isinstance(d, dict) and "ipv4" in d:
                    d["ipv4"] = _into(d.get("ipv4"), pre)
    own = cfg.get("addresses")
    if isinstance(own, dict):
        for a in own:
            own[a] = _into(own[a], pre)
    cfg["block"] = k
    return k


def _into(ip, pre):
    if isinstance(ip, str) and ip.startswith("127.0.0.") and ip[8:].isdigit() and 0 < int(ip[8:]) < 255:
        return pre + ip[8:]
    return ip


def is_literal(s):
    try:
        _p.inet_pton(10 if ":" in s else 2, s)
        return True
    except OSError:
        return False


def resolve(host):
    if not isinstance(host, str):
        raise TypeError("host must be a str")
    if host == "":
        return "0.0.0.0"
    if is_literal(host):
        return host
    ip = None if dns_down else _hosts.get(host.lower())
    if ip:
        return ip
    if dns_down:
        raise _p.oserror(-202)  # the DNS server doesn't answer
    _config.log(
        'DNS lookup of "%s" failed: the name is not in the virtual network. '
        'Map it under "hosts" in your --net file, e.g. {"hosts": {"%s": "127.0.0.1"}}'
        % (host, host)
    )
    raise _p.oserror(-202)


def route(ip, port, type):
    """The native address to reach (ip, port) at, or OSError(113) if blocked.
    Every connect asks, so the rare branches are helpers: a frame this small
    stays on MicroPython's C stack (a large one is allocated on every call)."""
    t = _ep.get((ip, port)) or _ep.get(ip)
    if t is not None:
        ip = t[0]
        if t[1] is not None:
            port = t[1]
    elif not is_local(ip):
        ip = _stand_in(ip, port)
    elif _wild and mine(ip):
        ip = _wildcard(ip, port, type)
    if _listen:
        t = _remapped(ip, port, type)
        if t:
            port = t
        elif 0 < port < 1024 and _remap and _offset:
            port += _offset
    elif 0 < port < 1024 and _remap and _offset:
        port += _offset
    return _p.pack(ip, port)


def _stand_in(ip, port):
    t = _own.get(ip)
    if t is None:
        _blocked(ip, port)
    return t


def _wildcard(ip, port, type):
    # The module's wildcard listener hears each of its addresses; the
    # desktop's sits at one: the app's own connects to another of the
    # board's loopback addresses go there.
    with lock:
        t = _wild.get((port, type))
    if t is None or (":" in t) != (":" in ip):
        return ip
    return t


def _blocked(ip, port):
    _config.log(
        "blocked %s:%d: the desktop board only reaches loopback. Map it under "
        '"endpoints" in your --net file, e.g. {"endpoints": {"%s:%d": "127.0.0.1:8080"}}'
        % (ip, port, ip, port)
    )
    raise _p.oserror(113)


# Lock-taking lookups live in helpers of their own: a `with` in a function
# makes MicroPython put its frame on the heap on every call, taken or not.
def _remapped(ip, port, type):
    with lock:
        return _listen.get((ip, port, type)) or _listen.get(("0.0.0.0", port, type))


def _unmapped(a):
    with lock:
        return _back.get(a) or _back.get(("0.0.0.0", a[1]))


def bind(sock, ip, port, type):
    """Bind, moving ports < 1024 elsewhere for users who may not bind them.
    The wildcard binds the board's own address (the host's wildcard would
    put the app on the LAN); an address the module has but the desktop does
    not binds its loopback stand-in; any other address is refused before the
    host sees it. Returns the key release() takes at close."""
    global gen
    host = ip
    if ip in _WILD:
        host = own_ip(ip == "::")
    elif not is_local(ip):
        host = _own_or_refuse(ip, port)
    if not (0 < port < 1024 and _remap):
        sock.bind(_p.pack(host, port))
        real = port
        if host is not ip and port:
            _config.log("%s:%d is served at %s:%d (%s)" % (ip, port, host, port, _WHY if ip in _WILD else _SI))
    else:
        if _offset:
            real = port + _offset
            if type == 1:
                # The host's port, not the app's: a board before on this
                # block may have left it in TIME_WAIT (a listener there
                # still refuses). TCP only: on UDP it would share the port.
                _p.setsockopt_reuseaddr(sock, 1)
            sock.bind(_p.pack(host, real))
        else:
            real = _bind_free(sock, host)
        with lock:
            _listen[(host, port, type)] = real
            _back[(host, real)] = port
            gen += 1
        _config.log("%s:%d is served at %s:%d (privileged port remapped)" % (ip, port, host, real))
    with lock:
        _at[sock] = host
        wild = ip in _WILD and port != 0  # port 0: the app can't name it to connect
        if wild:
            _wild[(port, type)] = host
            gen += 1
    return (host, port, type, real, sock, wild)


_WILD = ("0.0.0.0", "::")
_WHY = "the board's own address: the desktop board never binds the host's wildcard"
_SI = "the board config's stand-in for that address"
_at = {}  # native socket -> the address it is bound to: a listener's, for down()
_wild = {}  # (app port, type) -> where a wildcard bind sits, for the app's own connects


def own_ip(v6=False):
    """What a wildcard bind binds on the desktop: the board's own address.
    The host cannot bind all of 127.0.0.0/8 without its wildcard, so one
    address stands for the module's every netif: the default NIC the app
    chose, else the first active data call's address, else profile 1's
    (where its data call comes up: a listener may be made before it is)."""
    from .._lib import modem as _modem

    ip = None
    if v6:
        with _modem.lock:
            for n in _modem.PROFILES:
                if _modem.profiles[n]["active"]:
                    ip = _modem.profiles[n]["ipv6"]
                    break
        return ip if ip and is_local(ip) and ip != "::" else "::1"
    ip = default_src or _modem.source()
    if ip is None and _modem.PROFILES:
        ip = _modem.profiles[_modem.PROFILES[0]]["ipv4"]
    if ip and not is_local(ip):
        ip = _own.get(ip)
    return ip if ip and ip != "0.0.0.0" else (_pre or "127.0.0.") + "1"


def down(sock, conn):
    """Whether native listener `sock` is bound to the address of a data call
    that is down; if so, `conn` (just accepted there) is reset and closed.
    The module no longer has that address, so nothing could have arrived:
    the peer sees a reset, the app nothing. Only data-call addresses go
    down; a NIC's stays."""
    from .._lib import modem as _modem

    ip = _at.get(sock)
    if ip is None or ip not in _modem.gone:
        return False
    try:
        # SO_LINGER {on, 0}: close() sends RST, not FIN (Linux's numbers: the
        # desktop board's host; read either way round, the int is non-zero).
        conn.setsockopt(1, 13, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    except OSError:
        abort(conn)
    conn.close()
    _config.log("refused a connection to %s: its data call is down" % ip)
    return True


def _own_or_refuse(ip, port):
    t = _own.get(ip)
    if t is None:
        _config.log(
            "bind %s:%d: the desktop board has no such address. If the module has it, map it "
            'to a loopback stand-in under "addresses" in your --net file, e.g. '
            '{"addresses": {"%s": "127.0.0.9"}}' % (ip, port, ip)
        )
        raise _p.oserror(99)  # EADDRNOTAVAIL (lwIP's number is Linux's)
    return t


def _bind_free(sock, ip):
    for _ in range(64):
        real = 20000 + random.getrandbits(13)  # 20000-28191, below Linux's ephemeral range
        try:
            sock.bind(_p.pack(ip, real))
            return real
        except OSError as e:
            if e.errno != 98:  # EADDRINUSE
                raise
    raise _p.oserror(98)


def release(key):
    global gen
    with lock:
        _at.pop(key[4], None)
        if key[5] and _wild.get(key[1:3]) == key[0]:
            del _wild[key[1:3]]
        elif key[1] == key[3]:
            return  # nothing routed to it changes
        _listen.pop(key[:3], None)
        _back.pop((key[0], key[3]), None)
        gen += 1


def view(raw):
    """A peer's native address as the app should see it."""
    a = _p.unpack(raw)
    if _rev:
        v = _rev.get(a)
        if v is not None:
            return v
    if _back:
        n = _unmapped(a)
        if n:
            return a[0], n
    if _remap and _offset and _offset < a[1] < _offset + 1024 and _pre is not None:
        return _peer(a)
    return a


def _peer(a):
    # Another board's remapped privileged port answers as the app port it
    # serves (its remap is ours: port + offset); the host's servers (block
    # 0) and the board's own addresses are as they are.
    ip = a[0]
    if ip.startswith("127.") and not ip.startswith("127.0.0.") and not mine(ip):
        return ip, a[1] - _offset
    return a

