"""Socket timeouts fire while other threads allocate (issue 14 item 1), and the
errors a timeout or a reset gives are QuecPython's (item 5).

QuecPython docs API_reference/en/stdlib/usocket.md: settimeout(value) sets the
timeout of sending and receiving; QuecPython/micropython ports/quectel/modsocket.c
raises OSError(110) (ETIMEDOUT, str '[Errno 110] ETIMEDOUT') when accept, recv,
send, sendall, sendto, write or a timed connect runs out of time. The bound
"timeout + 1 s" is the issue's own.

On the MicroPython unix port the garbage collector signals every thread, and
the interpreter retries the interrupted call with its whole timeout: before
this work each call below stayed blocked for tens of seconds (or the kernel's
two minutes of SYN retries for connect, sometimes ending in 114)."""

# Threads that allocate hard for a bounded time (STRESS_S at most), started
# before the timed call; `took` is measured around the call alone.
STRESS = """
import _thread, utime, usocket
STRESS_S = 8
_stop = [False]
def _alloc(pause):
    t0 = utime.ticks_ms()
    while not _stop[0] and utime.ticks_diff(utime.ticks_ms(), t0) < STRESS_S * 1000:
        s = '%s-%d' % ('x' * 1000, 5)
        if pause:
            utime.sleep_ms(pause)
def stress(threads, pause=0):
    for _ in range(threads):
        _thread.start_new_thread(_alloc, (pause,))
    utime.sleep_ms(50)  # let them start allocating
def timed(name, fn):
    t = utime.ticks_ms()
    err = None
    try:
        fn()
    except OSError as e:
        err = e.args[0]
    print(name, (err, utime.ticks_diff(utime.ticks_ms(), t) / 1000))
def done():
    _stop[0] = True
    utime.sleep_ms(20)

def pair():
    # a listener on 127.0.0.1:80 (remapped), a client and its accepted peer
    srv = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM)
    srv.bind(('127.0.0.1', 80))
    srv.listen(2)
    srv.settimeout(10)
    cli = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM)
    cli.settimeout(10)
    cli.connect(('127.0.0.1', 80))
    return srv, cli, srv.accept()[0]
"""


def _check(r, names, timeout):
    assert r.code == 0, r
    for name in names:
        err, took = r.value(name)
        assert err == 110, (name, err, r)
        assert took <= timeout + 1, (name, took, r)


def test_recv_5s_beside_a_thread_formatting_every_2ms(board):
    """Issue 14: recv with settimeout(5) was still blocked after 45 s while one
    other thread formatted a 1 KB string every 2 ms."""
    r = board.run(STRESS + """
u = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM)
u.bind(('127.0.0.1', 0))
u.settimeout(5)
stress(1, 2)
timed('recv', lambda: u.recv(100))
done()
""", timeout=60)
    _check(r, ["recv"], 5)


def test_recv_and_accept_beside_two_allocating_threads(board):
    """Issue 14: recv/accept with settimeout(0.3) were blocked after 60 s with
    two allocating threads: stream recv, read, readinto, readline, UDP recv and
    recvfrom, and accept, each 110 within 1.3 s."""
    r = board.run(STRESS + """
srv, cli, conn = pair()
cli.settimeout(0.3)
srv.settimeout(0.3)
u = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM)
u.bind(('127.0.0.1', 0))
u.settimeout(0.3)
stress(2)
timed('recv', lambda: cli.recv(10))
timed('read', lambda: cli.read(10))
timed('readinto', lambda: cli.readinto(bytearray(10)))
timed('readline', lambda: cli.readline())
timed('udp recv', lambda: u.recv(10))
timed('recvfrom', lambda: u.recvfrom(10))
timed('accept', lambda: srv.accept())
done()
""", timeout=90)
    _check(r, ["recv", "read", "readinto", "readline", "udp recv", "recvfrom", "accept"], 0.3)


def test_connect_to_a_peer_that_never_answers(board):
    """Issue 14: connect with settimeout(0.3) to an address that never answers
    returned after about 134 s (the kernel's SYN retries), sometimes with 114.
    A listener whose backlog is full drops further SYNs: the kernel retries
    them, as for an address that never answers, on loopback."""
    r = board.run(STRESS + """
srv = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM)
srv.bind(('127.0.0.1', 80))
srv.listen(0)
fill = []
for _ in range(2):  # listen(0) on Linux queues one; the rest wait in SYN_SENT
    c = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM)
    c.settimeout(0.3)
    try:
        c.connect(('127.0.0.1', 80))
    except OSError:
        pass
    fill.append(c)
c = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM)
c.settimeout(0.3)
stress(2)
timed('connect', lambda: c.connect(('127.0.0.1', 80)))
done()
print('state', c.getsocketsta())
""", timeout=180)
    _check(r, ["connect"], 0.3)


def test_sendall_send_write_time_out_with_110(board):
    """Issue 14 item 5: a sendall that timed out raised OSError(4), text '4'.
    The peer reads nothing, so the buffers fill: sendall raises 110; send and
    write return what they sent, or raise 110 when nothing went."""
    r = board.run(STRESS + """
srv, cli, conn = pair()
cli.settimeout(0.3)
big = bytes(256 << 10)
def fill(fn):
    # each call is timed by itself: the last one, into full buffers, is the timeout
    for _ in range(400):
        t = utime.ticks_ms()
        try:
            fn(big)
        except OSError as e:
            return e, utime.ticks_diff(utime.ticks_ms(), t) / 1000
    return None, 0
stress(2)
for name, fn in (('sendall', cli.sendall), ('send', cli.send), ('write', cli.write)):
    e, took = fill(fn)
    print(name, (e.args[0] if e else None, took))
    if name == 'sendall':
        print('text', str(e))
done()
""", timeout=120)
    _check(r, ["sendall", "send", "write"], 0.3)
    assert r.value("text") == "[Errno 110] ETIMEDOUT", r


class _Resetter:
    """A host-side peer on loopback that accepts each connection and resets
    it at once (SO_LINGER 0), as a server that refuses a client after accept."""

    def __init__(self):
        import socket
        import struct
        import threading

        self.s = socket.socket()
        self.s.bind(("127.0.0.1", 0))
        self.s.listen(64)
        self.s.settimeout(0.2)
        self.port = self.s.getsockname()[1]
        self.stop = False
        self._linger = struct.pack("ii", 1, 0)
        self.t = threading.Thread(target=self._run, daemon=True)
        self.t.start()

    def _run(self):
        import socket

        while not self.stop:
            try:
                c, _ = self.s.accept()
            except OSError:
                continue  # the 0.2 s timeout: look at `stop` again
            c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, self._linger)
            c.close()

    def close(self):
        self.stop = True
        self.t.join(5)
        self.s.close()


PEER = "203.0.113.31"  # the app's name for the resetting peer (TEST-NET-3, mapped to loopback)


def test_a_reset_after_accept_is_reported_by_the_first_data_call(board):
    """Issue 14 item 5: connect to a peer that accepts then resets raised 104
    under threads. In lwIP (QuecPython/micropython's stack) the handshake
    completes connect and a later reset is reported by the next call on the
    socket (recv -> ECONNRESET); the issue asks for it there. Untimed and timed
    connects, with two threads allocating: connect never raises, the first recv
    says 104."""
    peer = _Resetter()
    try:
        r = board.run(STRESS + """
stress(2)
bad_connect, other_recv, n = [], [], 0
for i in range(60):
    s = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM)
    s.settimeout(None if i % 2 else 3)
    try:
        s.connect(('PEER_IP', 80))
    except OSError as e:
        bad_connect.append(e.args[0])
        s.close()
        continue
    s.settimeout(3)
    try:
        s.recv(10)
        other_recv.append('data')
    except OSError as e:
        if e.args[0] != 104:
            other_recv.append(e.args[0])
    n += 1
    s.close()
done()
print('connect errors', bad_connect)
print('other recv outcomes', other_recv)
print('n', n)
""".replace("PEER_IP", PEER), net={"endpoints": {f"{PEER}:80": f"127.0.0.1:{peer.port}"}}, timeout=120)
    finally:
        peer.close()
    assert r.code == 0, r
    assert r.value("connect errors") == [], r
    assert r.value("other recv outcomes") == [], r
    assert r.value("n") == 60, r
