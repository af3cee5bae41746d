# The eS-WiFi module's servers and their clients: an accepted client lives
# on its server's socket number (multi-accept, P5=11), announced by an
# async `[TCP SVR] Accepted a.b.c.d:port` line that names no server; when
# several servers wait, an app thread asks P? which one it was. A part with
# no state of its own (the arrivals wait in the driver's table), so
# functions of the driver `d` (no per-driver object on the heap): they use
# its socket table, lock, regs, arrivals, socket() and command channel.
from ..atline import fields, digits
from ..core import Deadline, FOREVER, CONNECTED, CLOSED
from .at import ip_or_none

CLIENT, SERVER = 1, 2  # what a module socket is doing (a bound UDP socket is a server)


def announce(d, line):
    if line[:19] != b"[TCP SVR] Accepted ":
        return  # informational: Waiting on connection, Multi-Accept Setup, Killed
    try:
        ip, _, port = line[19:].decode().partition(":")
    except UnicodeError:
        return
    if ip_or_none(ip) is None or not digits(port):
        return
    with d.lock:
        waiting = idle_servers(d)
        if len(waiting) > 1:
            d.arrivals.append((ip, int(port)))  # which one? an app thread asks P?
    if len(waiting) == 1:
        present(d, waiting[0], ip, int(port))
    for s in waiting:
        s.ev.wake()


def idle_servers(d):
    # Servers (under d.lock) that have no client now: an Accepted is theirs.
    return [s for s in d.socks.values()
            if s.type == 1 and d.regs[s.id].kind == SERVER and s.extra is None
            and not s.clients and s.st != CLOSED]


def present(d, listener, ip, port):
    conn = d.socket(1)
    conn.id = listener.id
    conn.st = CONNECTED
    conn.peer = (ip, port)
    conn.extra = listener  # its data goes through the server's socket number
    listener.extra = conn
    listener.client(conn, (ip, port))


def wait_client(d, listener, ready, seconds):
    end = Deadline(seconds)
    while not ready():
        if d.arrivals:
            sort_arrivals(d)
            continue
        if seconds == 0 or end.over():
            return False
        listener.ev.wait(min(end.left(), FOREVER))
    return True


def sort_arrivals(d):
    # Several servers waited when an Accepted came: P? names the client.
    with d.at.turns:
        with d.lock:
            todo, d.arrivals = d.arrivals, []
            waiting = idle_servers(d)
        for ip, port in todo:
            for s in waiting:
                try:
                    d.at.select(s.id)
                    f = fields(d.at.ok(b"P?\r")[-1].decode())
                except (OSError, ValueError, IndexError):
                    continue
                if len(f) > 4 and f[3] == ip and f[4] == str(port):
                    waiting.remove(s)
                    present(d, s, ip, port)
                    break
