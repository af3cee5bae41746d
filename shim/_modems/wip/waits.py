# How an app thread waits on a WIP socket (MSocket's poll_wait): it maps
# the UART to read what the modem announced for it, gives an idle mapping up
# when it waits for a URC (URCs come only in AT mode), and, after a while
# in AT mode with nothing heard, asks the modem what a lost URC would have
# said (recheck); a listener's clients get their addresses (peers). It runs
# in app threads, with no lock held but the command lock it takes. A part
# with no state of its own, so functions of the driver `d` (no per-driver
# object on the heap); they work through its uart, the urcs functions,
# find(), held(), lock, creates and the command lock.
from ..._ports import port as _p
from ..atline import fields, ints, digits
from ..core import Deadline, FOREVER, CONNECTED, LISTENING
from . import urcs
from .codec import sid

_time = _p.time
RECHECK_MS = 5000  # a thread waiting this long for a URC asks the modem itself


def _unread(d, sock):
    # The id to map to read what the modem announced for sock, if any.
    u = d.uart
    cur = u.cur
    if sock.type == 1:
        if sock.pending and sock.id != cur and d.find(sock.id) is sock:
            return sock.id
        return None
    with sock.lock:
        held = list(sock.extra.held.items())
    for i, n in held:
        if n and (i + 16) != cur:
            return i + 16
    return None


def _needs_urcs(d, sock):
    x = sock.extra
    u = d.uart
    if sock.st == LISTENING or x.creating:
        return True
    cur = u.cur
    if sock.type == 1:
        return cur != sock.id
    if cur is None or cur >> 4 != 1:
        return True
    with sock.lock:
        return x.udp.get(cur & 15) is None


def poll(d, sock, ready, seconds):
    u = d.uart
    idle_ms = 2 * u.guard  # an idle mapping goes after this, so URCs can come
    end = Deadline(seconds)
    checked = _time.ticks_ms()
    looked = False  # a non-blocking call still gets one look at the modem
    while True:
        if ready():
            if sock.st == LISTENING:
                peers(d, sock)
            return True
        if looked and (seconds == 0 or end.over()):
            return False
        looked = True
        id = _unread(d, sock)
        if id is not None:
            try:
                with d.held(end if seconds else None):
                    u.map(id)
            except OSError:
                with sock.lock:  # the modem won't give it: don't ask again and again
                    sock.extra.held[id & 15] = 0
                    if sock.type == 2 and sock.extra.udp.get(id & 15, 1) is None:
                        sock.extra.ann = []  # sources of datagrams that will not come
                    sock.pending = 0 if sock.type == 1 else sum(sock.extra.held.values())
            continue
        want_urcs = _needs_urcs(d, sock) and u.cur is not None
        idle = u.idle()
        if want_urcs and idle >= idle_ms:
            with d.cmdlock:
                u.yield_idle()
            continue
        if seconds == 0 or end.over():
            return False
        ms = min(end.left(), FOREVER)
        if want_urcs:
            ms = max(1, min(ms, idle_ms - idle))
        elif u.cur is None and _needs_urcs(d, sock):
            # A URC garbled on the line would leave us waiting for good:
            # after a while in AT mode, ask the modem what it holds.
            quiet = _time.ticks_diff(_time.ticks_ms(), checked)
            if quiet >= RECHECK_MS:
                recheck(d, sock)
                checked = _time.ticks_ms()
                continue
            ms = max(1, min(ms, RECHECK_MS - quiet))
        sock.ev.wait(ms)


def recheck(d, sock):
    # What a lost URC would have said, from the modem's listings; only
    # in AT mode (never worth a +++), for what can be asked again safely.
    u = d.uart
    x = sock.extra
    with d.cmdlock:
        if u.cur is not None or u.after is not None:
            return
        try:
            if sock.type == 1 and sock.st == CONNECTED:
                # TCP counts only: a UDP line again would read as one more datagram.
                for ln in u.ok("AT+WIPDATA?", collect=b"+WIPDATA:"):
                    f = fields(ln[9:].decode())
                    n = ints(f[:2])
                    if n and len(n) == 2 and n[0] == 2:
                        urcs.announced(d, sid(2, n[1]), f)
                return
            if not x.creating and x.range is None:
                return
            listed = u.ok("AT+WIPCREATE?", collect=b"+WIPCREATE:")
        except OSError:
            return
    for ln in listed:
        n = ints(fields(ln[11:].decode())[:2])
        if not n or len(n) < 2:
            continue
        id = sid(n[0], n[1])
        if x.creating and id == sock.id:
            with d.lock:
                if id in d.creates:
                    d.creates.remove(id)
            x.ready = x.ready or 1
        elif x.range and n[0] == 2 and x.range[0] <= n[1] <= x.range[1] and d.find(id) is None:
            urcs.accepted(d, sock.id & 15, id)


def peers(d, listener):
    # +WIPACCEPT names no address: AT+WIPCREATE? lists the peers.
    u = d.uart
    with listener.lock:
        want = [c for c, a in listener.clients if a is None]
    if not want:
        return
    found = {}
    try:
        with d.cmdlock:
            u.to_at()
            for ln in u.ok("AT+WIPCREATE?", collect=b"+WIPCREATE:"):
                f = fields(ln[11:].decode())
                if len(f) > 4 and f[0] == "2" and digits(f[1]) and digits(f[4]):
                    found[sid(2, int(f[1]))] = (f[3], int(f[4]))
    except OSError:
        pass
    with listener.lock:
        for k in range(len(listener.clients)):
            c, a = listener.clients[k]
            if a is None:
                a = c.peer = found.get(c.id, ("0.0.0.0", 0))
                listener.clients[k] = (c, a)
