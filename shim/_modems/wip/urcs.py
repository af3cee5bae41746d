# What the WIP modem announces about its sockets (+WIPREADY, +WIPDATA,
# +WIPACCEPT, +WIPPEERCLOSE, +WIPERROR, a create's late +CME ERROR, and for
# the link +WIPBR: 6,0 and +WIND: 4), turned into socket events. Called by
# the reader thread (through uart.py), and by app threads that asked the
# modem what a lost URC would have said (waits.py). It never waits on the
# modem. A part with no state of its own, so functions of the driver `d`
# (no per-driver object on the heap); they work on its socket table
# through find(), own(), socket(), lock, socks, creates and orphans, and
# tell it of a lost link (link_lost).
from ..atline import fields, ints, digits
from ..core import CONNECTED, LISTENING
from .codec import ERRNO, sid, code


def held(s):
    # What the modem still holds for s (its lock held): TCP's count goes when
    # the socket is mapped; UDP's is the datagrams its modem sockets hold.
    return 0 if s.type == 1 else sum(s.extra.held.values())


def mapped(d, id):
    """The UART was mapped to id: everything the modem held comes now."""
    s = d.find(id)
    if s is not None:
        with s.lock:
            s.extra.held[id & 15] = 0
            s.pending = held(s)


def ended(d, id, line):
    """id's session ended with this +CME ERROR line."""
    s = d.find(id)
    if s is not None:
        s.ended(ERRNO.get(code(line), 104))  # 843: the peer reset it


def urc(d, line):
    head, _, rest = line.partition(b":")
    f = fields(rest.decode())
    if head == b"+WIND":
        if f[0] == "4" and d.answered:
            d.link_lost(True)  # the modem booted again
        return
    if head == b"+WIPBR":
        if len(f) == 2 and f[0] == "6" and f[1] == "0":
            d.link_lost(False)  # the bearer went down
        return
    n = ints(f[:2])
    if n is None or len(n) < 2:
        return
    id = sid(n[0], n[1])
    if head == b"+WIPREADY":
        with d.lock:
            if id in d.creates:
                d.creates.remove(id)
        s = d.find(id)
        if s is not None:
            s.extra.ready = 1
            s.ev.wake()
    elif head == b"+WIPDATA":
        announced(d, id, f)
    elif head == b"+WIPACCEPT":
        accepted(d, n[0], sid(2, n[1]))
    elif head == b"+WIPPEERCLOSE":
        s = d.find(id)
        if s is not None and n[0] == 2:
            if s.pending:
                s.extra.fin = True  # the end comes after what the modem still holds
                s.ev.wake()
            else:
                s.ended(0)
    elif head == b"+WIPERROR" and len(f) > 2:
        s = d.find(id)
        if s is not None:
            s.ended(ERRNO.get(int(f[2]), 5) if digits(f[2]) else 5)


def announced(d, id, f):
    s = d.find(id)
    if s is None or id == d.uart.cur:
        return
    x = s.extra
    with s.lock:
        if id >> 4 == 2:
            s.pending = int(f[2]) if len(f) > 2 and digits(f[2]) and int(f[2]) else 1
        else:
            i = id & 15
            x.held[i] = x.held.get(i, 0) + 1
            s.pending = held(s)  # select.poll reads it
            if x.udp.get(i) is None and len(f) > 4 and digits(f[4]) and len(x.ann) < 64:
                x.ann.append((f[3], int(f[4])))
    s.ev.wake()


def accepted(d, srv, id):
    listener = d.find(sid(3, srv))
    conn = d.socket(1)
    conn.st = CONNECTED
    d.own(conn, id)
    if listener is None or listener.st != LISTENING:
        with d.lock:
            d.orphans.append(id)
        return
    listener.client(conn, None)  # its address is asked for before accept() returns it


def failed(d, n):
    with d.lock:
        if not d.creates:
            return
        id = d.creates.pop(0)
        s = d.socks.get(id)
        if s is not None:
            del d.socks[id]  # the modem has freed the index
    if s is not None:
        s.extra.ready = -(111 if n == 843 else ERRNO.get(n, 5))  # a reset answering a SYN: refused
        s.ev.wake()
