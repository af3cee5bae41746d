# How an app thread waits on a Telit socket: the reader never sends a
# command, so the waiting thread fetches what the modem announced (#SRECV
# for data, #SA for a listener's connection) and, since command-mode sockets
# get no close URC, asks #SS now and then and #SLASTCLOSURE why one ended.
# A part with no state of its own, so functions of the driver `d` (no
# per-driver object on the heap): they use its command(), hangup(), mine(),
# find(), forget(), socket(), socket table and the context's check().
from ..atline import ints
from ..core import Deadline, FOREVER, CONNECTED, LISTENING, CLOSED
from . import at as at


def poll(d, sock, ready, seconds):
    end = Deadline(seconds)
    limit = end if seconds else None  # (non-blocking: one fetch, as before, with its own timeout)
    ask_at = Deadline(d.poll_ms / 1000)
    while True:
        live = sock.st != CLOSED and d.mine(sock)
        if live and sock.pending:
            try:
                if sock.st == LISTENING:
                    accept_one(d, sock)
                else:
                    d.command("AT#SRECV=%d,%d%s" % (sock.id, d.MAX, ",1" if sock.type == 2 else ""),
                          sock=sock, limit=limit)
            except OSError as e:
                if e.args[0] != 110:
                    sock.pending = 0  # the line is gone: don't ask again and again
        if ready():
            return True
        if seconds == 0 or end.over():
            return False
        if live and sock.pending:
            continue
        probing = live and sock.type == 1 and sock.st == CONNECTED
        if probing and ask_at.over():
            ask_at = Deadline(d.poll_ms / 1000)
            try:
                probe(d, sock, limit)
            except OSError:
                pass
            continue
        sock.ev.wait(min(end.left(), ask_at.left()) if probing else min(end.left(), FOREVER))


def probe(d, sock, limit=None):
    st = ss(d, sock.id, limit)
    if st is None or not d.mine(sock) or sock.pending:
        return
    if st[0] == 0:
        closed(d, sock, 0, limit)  # nothing left to read: the connection ended
    elif st[0] == 3:
        sock.pending = 1  # data held whose SRING we missed


def ss(d, id, limit=None):
    """(state, remote (ip, port) or None) of connId id, from #SS."""
    r, lines = d.command("AT#SS=%d" % id, limit=limit)
    for ln in lines:
        s = at.ss(ln)
        if r == 0 and s is not None and s[0] == id:
            return s[1], s[2]
    return None


def closed(d, sock, default, limit=None):
    """The modem closed sock's connId: end it with why (from
    #SLASTCLOSURE); the errno, 0 for the peer's orderly end."""
    cause = 0
    try:
        r, lines = d.command("AT#SLASTCLOSURE=%d" % sock.id, limit=limit)
        f = at.info(lines, b"#SLASTCLOSURE:") if r == 0 else None
        n = ints(f) if f is not None else None
        if n is not None and len(n) == 2:
            cause = n[1]
    except OSError:
        pass
    e = at.CLOSURE_ERR.get(cause)
    if e is None or e == 103:
        # Unknown (a restarted modem knows nothing), or the context: is it up?
        try:
            if not d.context.check(limit):
                e = 103
        except OSError:
            pass
        if e is None:
            e = default
    d.forget(sock)
    sock.ended(e)
    return e


def accept_one(d, l):
    """A connection waits on listener l's connId: take it there with
    #SA (it becomes the connection) and listen again on a free connId."""
    l.pending = 0
    lid, port = l.id, l.extra
    conn = d.socket(1)
    conn.st = CONNECTED
    free = None
    with d.lock:
        for i in range(1, d.nsock + 1):
            if i not in d.socks:
                free = i
                break
        if free is not None:  # data URCs for lid go to the connection from now on
            d.socks[free] = l
            l.id = free
            d.socks[lid] = conn
            conn.id = lid
    ok = False
    if free is None:
        d.hangup(lid)  # no connId for the listener to move to: turn the client away
        free = lid
    else:
        try:
            ok = d.command("AT#SA=%d,1" % lid)[0] == 0
            st = ss(d, lid) if ok else None
            conn.peer = st[1] if st is not None and st[1] is not None else ("0.0.0.0", 0)
        except OSError:
            ok = False
        if not ok:  # the client went before we took it
            d.hangup(lid)
            d.forget(conn)
    try:
        r = d.command("AT#SL=%d,1,%d" % (free, port))[0]
    except OSError:
        r = 110
    if r:
        d.forget(l)
        l.ended(at.LISTEN_ERR.get(r, 5))
    if ok:
        l.client(conn, conn.peer)
