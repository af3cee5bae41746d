# The network stack of a board that has one (an ESP32's lwIP): names resolve
# through the board's DNS, addresses go to the native socket as they are, and
# there is no virtual network in between.
from ._port import port as _p

import socket as _s

lock = _p.thread.allocate_lock()
default_src = None  # the default NIC's address, once an app sets one
gen = 0  # routes never change here: sockets' cached ones stay good


def addr(ip, port):
    return (ip, port)


def is_literal(s):
    if not isinstance(s, str):
        return False
    if ":" in s:
        if s.count("::") > 1:
            return False
        groups = s.split(":")
        if len(groups) > 8:
            return False
        for g in groups:
            if len(g) > 4:
                return False
            for c in g:
                if c not in "0123456789abcdefABCDEF":
                    return False
        return True
    parts = s.split(".")
    if len(parts) != 4:
        return False
    for p in parts:
        if not p or len(p) > 3 or not p.isdigit() or int(p) > 255:
            return False
    return True


def is_local(ip):
    return is_literal(ip)  # every address is the board's own business


def resolve(host):
    if not isinstance(host, str):
        raise TypeError("host must be a str")
    if host == "":
        return "0.0.0.0"
    if is_literal(host):
        return host
    try:
        return _s.getaddrinfo(host, 0)[0][-1][0]
    except OSError:
        raise _p.oserror(-202)  # lwIP's EAI_FAIL, as on the module
    except IndexError:
        raise _p.oserror(-202)


def route(ip, port, type):
    return (ip, port)


def bind(sock, ip, port, type):
    sock.bind((ip, port))
    return None


def release(key):
    pass


def view(a):
    return a
