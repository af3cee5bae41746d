"""App-side loopback peers shared by tables (prepended to their PRELUDE): a
free-port picker and a listener whose connections a handler serves, one
thread each. Every socket has a timeout; the accept loop ends with the app."""

SERVERS = r'''
import usocket, _thread, utime

_stop = []


def free_listener():
    l = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, usocket.IPPROTO_TCP_SER)
    l.settimeout(0.2)
    base = 30000 + utime.ticks_us() % 20000
    for p in range(base, base + 300):
        try:
            l.bind(('127.0.0.1', p))
            l.listen(8)
            return l, p
        except OSError:
            pass
    raise OSError(98)


def serve(handler):
    # a loopback server: each connection handled in a thread of its own
    l, p = free_listener()
    def loop():
        while not _stop:
            try:
                c = l.accept()[0]
            except OSError:
                continue
            c.settimeout(5)
            _thread.start_new_thread(_session, (handler, c))
        l.close()
    _thread.start_new_thread(loop, ())
    return p


def _session(handler, c):
    try:
        handler(c)
    except OSError:
        pass
    c.close()


def read_n(c, n):
    b = b''
    while len(b) < n:
        d = c.recv(n - len(b))
        if not d:
            raise OSError(107)
        b += d
    return b


def read_head(c):
    # an HTTP request's head and what came after it; None if the client left first
    head = b''
    while b'\r\n\r\n' not in head:
        d = c.recv(512)
        if not d:
            return None
        head += d
    return head.split(b'\r\n\r\n', 1)


def stop_servers():
    _stop.append(1)
'''
