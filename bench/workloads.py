"""One sample of each network measurement, in one mode ("raw" or "shim"): a
server process and a client process on 127.0.0.1, a fresh port each time.
Separate processes keep the client's loop and the server's threads from
sharing one interpreter's GC and locks; each gets its own heap, as two boards
would."""

import time

from procs import Worker, free_port

READY_S = 15  # a worker printing "ready" takes ~20 ms; this only catches a hang
SLACK_S = 30  # beyond the measured seconds, for warm-up and a slow GC
HOLD_S = 120  # 1,000 connects take ~0.3 s; the limit catches a stall
SETTLE_S = 5

MIB = 1 << 20


def _pins(cpus):
    return (None, None) if not cpus else ("0", "1")


def _client_result(server, client_args, seconds, cpus):
    with Worker("tcp_client.py", *client_args, cpus=cpus) as cli:
        words = cli.expect("result", seconds + SLACK_S)
        cli.proc.wait(SLACK_S)
    server.send("quit")
    return float(words[0])


def tcp_throughput(mode, size, seconds, style="exact", pin=False):
    """MiB/s of payload echoed over one connection, SIZE-byte messages."""
    scpu, ccpu = _pins(pin)
    port = free_port()
    with Worker("tcp_echo_server.py", mode, port, "exact" if style == "timed" else style, size, cpus=scpu) as srv:
        srv.expect("ready", READY_S)
        work = {"exact": "stream", "timed": "timed"}.get(style, "recv")
        return _client_result(srv, (mode, port, work, size, seconds), seconds, ccpu) / MIB


def tcp_connections(mode, seconds, size=16, pin=False):
    """Connections per second: connect, one SIZE-byte exchange, close."""
    scpu, ccpu = _pins(pin)
    port = free_port()
    with Worker("tcp_echo_server.py", mode, port, "exact", size, cpus=scpu) as srv:
        srv.expect("ready", READY_S)
        return _client_result(srv, (mode, port, "conns", size, seconds), seconds, ccpu)


def udp_round_trips(mode, seconds, size=64, pin=False):
    """Round trips per second: one datagram out, its echo back."""
    scpu, ccpu = _pins(pin)
    port = free_port()
    with Worker("udp_echo_server.py", mode, port, cpus=scpu) as srv:
        srv.expect("ready", READY_S)
        with Worker("udp_client.py", mode, port, size, seconds, cpus=ccpu) as cli:
            words = cli.expect("result", seconds + SLACK_S)
            cli.proc.wait(SLACK_S)
        srv.send("quit")
        return float(words[0])


def _settled(srv, answered):
    """The server's (free heap, served, open) once it has counted every client
    the client saw answered: a thread counts a client just after its echo, so
    the last one can lag the client's "held" line by a moment."""
    deadline = time.monotonic() + SETTLE_S
    while True:
        srv.send("mem")
        after, served, open_ = map(int, srv.expect("mem", HOLD_S))
        if served >= answered or time.monotonic() > deadline:
            return after, served, open_
        time.sleep(0.05)


def tcp_hold(mode, clients, size=64, pin=False):
    """Connect `clients` clients that each exchange one message and stay open.
    Returns (held, heap bytes per connection): held counts only clients that
    the client saw answered AND the server counts as served and still open;
    the heap is the server's gc.mem_free() after gc.collect(), before the
    first client and with all of them connected."""
    scpu, ccpu = _pins(pin)
    port = free_port()
    with Worker("tcp_echo_server.py", mode, port, "exact", size, cpus=scpu) as srv:
        srv.expect("ready", READY_S)
        srv.send("mem")
        before = int(srv.expect("mem", READY_S)[0])
        with Worker("tcp_client.py", mode, port, "hold", size, clients, cpus=ccpu) as cli:
            answered = int(cli.expect("held", HOLD_S)[0])
            after, served, open_ = _settled(srv, answered)
            cli.send("close")
            cli.expect("closed", HOLD_S)
        srv.send("quit")
    held = min(answered, served, open_)
    per_conn = (before - after) / held if held else float("nan")
    return held, per_conn
