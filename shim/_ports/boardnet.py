# The network stack of a board that has one (an ESP32's lwIP): names resolve
# through the board's DNS, addresses go to the native socket as they are, and
# there is no virtual network in between.
from . import port as _p

import socket as _s
from .._lib.iplit import is_literal, settled

lock = _p.thread.allocate_lock()
default_src = None  # the default NIC's address, once an app sets one
gen = 0  # routes never change here: sockets' cached ones stay good


# The interpreter's own sockets, as they are.
socket = _p.socket
tcp_state = _p.tcp_state
abort = _p.abort
readable = _p.readable
keepalive = _p.setsockopt_keepalive
reuseaddr = _p.setsockopt_reuseaddr


def addr(ip, port):
    return (ip, port)


def is_local(ip):
    return is_literal(ip)  # every address is the board's own business


def resolve(host):
    ip = settled(host)
    if ip:
        return ip
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
