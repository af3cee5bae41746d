"""The desktop board owns only loopback: a bind to the wildcard ('0.0.0.0',
'' or '::', TCP and UDP) binds the board's own address, never the host's
wildcard, so nothing on the LAN can reach the app; a bind to an address the
board does not have (the machine's own LAN address included) is refused
with EADDRNOTAVAIL and a `qpyshim:` hint. The host side is checked, not
assumed: after the binds, the board process's own sockets are read from
/proc/<pid>/net/{tcp,udp,tcp6,udp6} (matched by inode through
/proc/<pid>/fd) and none has 0.0.0.0 or :: as its local address.

Sources: QuecPython docs API_reference/en/stdlib/usocket.md (bind takes the
module's own (ip, port); its server example binds the data call's address),
QuecPython/micropython ports/quectel modsocket.c (bind(('', port)) takes
the first active PDP context's IP), lwIP src/api/sockets.c (EADDRNOTAVAIL,
99 as on Linux). No traffic goes anywhere but loopback: the board runs in a
network namespace with only lo up, and the LAN address is only bound to
(and refused), never sent to."""

import os
import ipaddress
import subprocess

import pytest


APP = """
import usocket, utime
def err(f, *a):
    try:
        f(*a)
    except OSError as e:
        return e.args[0]
T, U = usocket.SOCK_STREAM, usocket.SOCK_DGRAM
socks = []
for af, host, kind in ((2, '0.0.0.0', T), (2, '0.0.0.0', U), (2, '', T), (2, '', U),
                       (10, '::', T), (10, '::', U)):
    s = usocket.socket(af, kind)
    s.bind((host, %d + len(socks)))
    if kind == T:
        s.listen(2)
    socks.append(s)
lan = usocket.socket()
print('lan', err(lan.bind, (%r, %d)))
# the app's own client reaches the wildcard listener at any of the board's
# addresses: the data call's, a NIC's
for ip in ('127.0.0.1', '127.0.0.4'):
    c = usocket.socket()
    c.settimeout(5)
    c.connect((ip, %d))
    a = socks[0]
    a.settimeout(5)
    conn = a.accept()[0]
    c.send(b'to ' + ip.encode())
    conn.settimeout(5)
    print('reached', conn.recv(32))
    conn.close()
    c.close()
u = usocket.socket(usocket.AF_INET, U)
u.bind(('', 0))  # unbound, the kernel would give it the wildcard: test_unbound_sockets
u.sendto(b'dgram', ('127.0.0.4', %d + 1))
socks[1].settimeout(5)
print('udp', socks[1].recvfrom(16)[0])
print('bound')
utime.sleep(30)  # kept alive for the host-side check; the test kills it
"""


def _lan_ip():
    """The machine's own LAN address, read from the kernel's routes: no
    packet is sent to find it."""
    try:
        out = subprocess.run(["ip", "-4", "-o", "addr", "show", "scope", "global"],
                             capture_output=True, text=True, timeout=10).stdout.split()
    except (OSError, subprocess.SubprocessError):
        out = []
    for i, w in enumerate(out):
        if w == "inet":
            return out[i + 1].split("/")[0]
    return "192.0.2.10"  # none (a CI container): TEST-NET-1, never ours


def _board_pids(session):
    """The interpreter(s) the runner started: in its session, with a flash."""
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            if os.getsid(int(d)) != session:
                continue
            with open(f"/proc/{d}/environ", "rb") as f:
                if b"QPYSHIM_FLASH=" in f.read():
                    pids.append(int(d))
        except OSError:
            continue
    return pids


def _own_sockets(pid):
    """(proto, local ip, local port) of every socket the process holds."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            link = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if link.startswith("socket:["):
            inodes.add(link[8:-1])
    found = []
    for proto in ("tcp", "udp", "tcp6", "udp6"):
        with open(f"/proc/{pid}/net/{proto}") as f:
            next(f)
            for line in f:
                cols = line.split()
                if cols[9] not in inodes:
                    continue
                hexip, hexport = cols[1].split(":")
                found.append((proto, _ip(hexip), int(hexport, 16)))
    return found


def _ip(hexip):
    raw = bytes.fromhex(hexip)
    if len(raw) == 4:
        return ".".join(str(b) for b in raw[::-1])  # host byte order (little-endian)
    words = [raw[i:i + 4][::-1] for i in range(0, 16, 4)]
    return str(ipaddress.IPv6Address(b"".join(words)))


def _sockets_of(board, source, keep=False):
    """Run `source` in a network namespace of its own until it prints
    'bound'; the host-side sockets of the board process then."""
    run = board.start(source, netns=True)
    try:
        run.expect(r"^bound$", timeout=60)
        pids = _board_pids(run.proc.pid)
        assert pids, "no board process found"
        socks = [s for pid in pids for s in _own_sockets(pid)]
    finally:
        run.kill()
    return (socks, run.seen, run.stderr) if keep else socks


def test_wildcard_binds_only_loopback(board):
    base = 20000 + os.getpid() % 5000 * 8  # the netns is the board's own: no clash
    lan = _lan_ip()
    source = APP % (base, lan, base + 6, base, base)
    socks, lines, err = _sockets_of(board, source, keep=True)
    assert "lan 99" in lines, lines
    assert "qpyshim: bind %s:%d: the desktop board has no such address" % (lan, base + 6) in err
    assert "reached b'to 127.0.0.1'" in lines and "reached b'to 127.0.0.4'" in lines, lines
    assert "udp b'dgram'" in lines, lines
    mine = [s for s in socks if base <= s[2] < base + 6]
    assert sorted((proto, port - base) for proto, _, port in mine) == [
        ("tcp", 0), ("tcp", 2), ("tcp6", 4), ("udp", 1), ("udp", 3), ("udp6", 5)], socks
    for proto, ip, port in socks:
        assert ip not in ("0.0.0.0", "::"), (proto, ip, port)
        assert ip.startswith("127.") or ip == "::1", (proto, ip, port)
    assert {ip for _, ip, _ in mine} == {"127.0.0.1", "::1"}


UNBOUND = """
import usocket, utime
u = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM)
u.sendto(b'x', ('127.0.0.1', 9))  # the kernel binds an unbound sender: where?
l = usocket.socket()
l.listen(1)  # likewise a listener never bound
print('bound')
utime.sleep(30)  # kept alive for the host-side check; the test kills it
"""


def test_unbound_sockets_take_the_boards_address(board):
    """A UDP socket that sends unbound, or a TCP socket that listens
    unbound, gets a local address from the kernel: without a bind of the
    shim's own first, that is the host's wildcard, open to the LAN."""
    socks = _sockets_of(board, UNBOUND)
    assert socks
    for proto, ip, port in socks:
        assert ip.startswith("127.") or ip == "::1", (proto, ip, port)
