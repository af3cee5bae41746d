"""The network a simulated modem sees: its own address, names from the
config's hosts table (never the host's resolver: no query leaves loopback),
endpoints mapped onto loopback stand-ins, and the modem's listening ports
served on real loopback ports. Nothing outside 127.0.0.0/8 is ever reached."""

import ipaddress
import socket


class Unreachable(Exception):
    """No route: the address is neither loopback nor mapped."""


class UnknownHost(Exception):
    pass


def _hostport(text):
    h, sep, p = text.rpartition(":")
    return (h, int(p)) if sep and p.isdigit() else (text, None)


class SimNet:
    def __init__(self, cfg=None, ip="127.0.0.1"):
        from ..netconfig import check_network

        cfg = cfg or {}
        check_network(cfg, "the modem's config")  # a clear ConfigError, not an AttributeError below
        self.ip = ip
        self.hosts = {"localhost": "127.0.0.1"}
        for k, v in (cfg.get("hosts") or {}).items():
            self.hosts[k.lower()] = v
        self.endpoints = {}
        for k, v in (cfg.get("endpoints") or {}).items():
            src, dst = _hostport(k), _hostport(v)
            self.endpoints[src if src[1] is not None else src[0]] = dst
        self.listening = {}  # (proto, modem port) -> real loopback port
        self.back = {}  # (proto, real port) -> modem port

    def resolve(self, host):
        try:
            ipaddress.ip_address(host)
            return host
        except ValueError:
            pass
        ip = self.hosts.get(host.lower())
        if ip is None:
            raise UnknownHost(host)
        return ip

    def route(self, ip, port, proto="tcp"):
        """The real (ip, port) behind the modem's (ip, port)."""
        t = self.endpoints.get((ip, port)) or self.endpoints.get(ip)
        if t is not None:
            return t[0], t[1] if t[1] is not None else port
        if ip == self.ip or ip in ("0.0.0.0",):
            real = self.listening.get((proto, port))
            if real is not None:
                return "127.0.0.1", real
        if not ipaddress.ip_address(ip).is_loopback:
            raise Unreachable(f"{ip}:{port}")
        real = self.listening.get((proto, port)) if ip.startswith("127.") else None
        return ip, real if real is not None else port

    def view(self, addr, proto="tcp"):
        """A real peer address as the modem reports it."""
        ip, port = addr[0], addr[1]
        v = self.back.get((proto, port))
        if v is not None and ip.startswith("127."):
            return self.ip, v
        return ip, port

    def listen(self, port, proto="tcp", backlog=8):
        """A real socket for the modem's listener (TCP) or bound UDP port.
        The modem's port is kept where it is free, else an ephemeral one."""
        kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
        s = socket.socket(socket.AF_INET, kind)
        if proto == "tcp":  # on UDP (Linux) it lets a second simulator bind the same port and steal its datagrams
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port if port >= 1024 else 0))
        except OSError:
            s.bind(("127.0.0.1", 0))
        if proto == "tcp":
            s.listen(max(1, backlog))
        real = s.getsockname()[1]
        if port == 0:
            port = real
        self.listening[(proto, port)] = real
        self.back[(proto, real)] = port
        s.setblocking(False)
        return s, port

    def unlisten(self, port, proto="tcp"):
        real = self.listening.pop((proto, port), None)
        if real is not None:
            self.back.pop((proto, real), None)

    def real_port(self, port, proto="tcp"):
        """Where a host program reaches the modem's listening port."""
        return self.listening.get((proto, port))

    def udp(self, port=0):
        """An unbound UDP socket (a client's), or bound to a modem port."""
        if port:
            return self.listen(port, "udp")[0]
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        s.setblocking(False)
        return s
