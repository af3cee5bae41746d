# The desktop board's virtual network: which names resolve, where each
# endpoint really lives, and the rule that nothing leaves loopback unless the
# config maps it there. Sockets consult it on connect/bind/sendto and to turn
# peer addresses back into what the app expects to see.
import random
from ._port import port as _p
from . import _config

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


def _load():
    hosts = {"localhost": "127.0.0.1"}
    for k, v in _config.section("hosts").items():
        hosts[k.lower()] = v
    ep, rev = {}, {}
    for k, v in _config.section("endpoints").items():
        src, dst = _hostport(k), _hostport(v)
        if src[1] is None:
            ep[src[0]] = dst  # whole host: not reversed, its loopback IP is shared
        else:
            ep[src] = dst
            if dst[1] is not None:
                rev[dst] = src  # a stand-in's exact address answers as the public one
    ports = _config.section("ports")
    mode = ports.get("remap_privileged", "auto")
    remap = mode == "always" or (mode == "auto" and not _p.privileged_ok())
    return hosts, ep, rev, remap, int(ports.get("offset", 8000))


_hosts, _ep, _rev, _remap, _offset = _load()


_listen = {}  # (bound ip, app_port, type) -> real port, for remapped binds
_back = {}  # (ip, real_port) -> app_port


addr = _p.pack  # (ip, port) -> the native socket's address form

# The host's own sockets carry the traffic.
socket = _p.socket
NATIVE_STREAMS = _p.NATIVE_STREAMS
tcp_state = _p.tcp_state
abort = _p.abort
readable = _p.readable
keepalive = _p.setsockopt_keepalive
reuseaddr = _p.setsockopt_reuseaddr


def is_local(ip):
    return ip.startswith("127.") or ip in ("::1", "0.0.0.0", "::")


def _load_owned():
    # Addresses the module has that the desktop does not (the USBNET gateway,
    # a NIC's static address): each stands in as a loopback address, so an
    # app may bind (and reach) it while the host binds loopback only.
    own = {}
    for k, v in _config.section("addresses").items():
        if isinstance(v, str) and is_local(v) and v not in ("0.0.0.0", "::"):
            own[k] = v
        else:
            _config.log('addresses: %s -> %r ignored: the stand-in must be a loopback address' % (k, v))
    return own


_own = _load_owned()


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
    An address the module has but the desktop does not binds its loopback
    stand-in; any other address is refused before the host sees it."""
    global gen
    host = ip
    if not is_local(ip):
        host = _own_or_refuse(ip, port)
    if not (0 < port < 1024 and _remap):
        sock.bind(_p.pack(host, port))
        if host is not ip and port:
            _config.log("%s:%d is served at %s:%d (the board config's stand-in for that address)"
                        % (ip, port, host, port))
        return None
    if _offset:
        real = port + _offset
        sock.bind(_p.pack(host, real))
    else:
        real = _bind_free(sock, host)
    with lock:
        _listen[(host, port, type)] = real
        _back[(host, real)] = port
        gen += 1
    _config.log("%s:%d is served at %s:%d (privileged port remapped)" % (ip, port, host, real))
    return (host, port, type, real)


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
    return a

