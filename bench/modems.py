"""Payload throughput through each serial-modem driver: an app on the
micropython unix port sends 1 KiB messages over a pty to the dialect's
simulator, which paces the line like a UART at the given baud and hands the
bytes to a sink on loopback. The row is payload bytes a second at the sink
against the line rate (baud / 10 for 8N1)."""

import json
import os
import socket
import sys
import tempfile
import threading
import time

import procs

BAUDS = (115200, 921600)
TARGET = 0.85
SIZE = 1024


def dialects():
    """The registry's dialects (qpyshim/dialects.py); each entry's `bench`
    holds the options both sides get here."""
    if str(procs.ROOT) not in sys.path:
        sys.path.insert(0, str(procs.ROOT))
    from qpyshim import dialects

    return dialects


class Sink:
    """Counts what arrives on one connection: first and last byte times."""

    def __init__(self):
        self.ls = socket.socket()
        self.ls.bind(("127.0.0.1", 0))
        self.ls.listen(1)
        self.ls.settimeout(60)
        self.port = self.ls.getsockname()[1]
        self.first = self.last = None
        self.first_len = 0
        self.total = 0
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        try:
            conn, _ = self.ls.accept()
        except OSError:
            return
        conn.settimeout(60)
        with conn:
            while True:
                try:
                    data = conn.recv(65536)
                except OSError:
                    return
                if not data:
                    return
                now = time.monotonic()
                if self.first is None:
                    self.first, self.first_len = now, len(data)
                self.last = now
                self.total += len(data)

    def rate(self):
        """Bytes a second between the first arrival and the last."""
        if self.first is None or self.last <= self.first:
            return 0.0
        return (self.total - self.first_len) / (self.last - self.first)

    def close(self):
        self.ls.close()


def sample(dialect, baud, seconds):
    """One run: payload bytes a second that reached the sink."""
    entry = dialects().get(dialect)
    opts = dict(entry.bench)
    sim = entry.make(baud=baud, **opts).start()
    sink = Sink()
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump({"stack": {"driver": dialect, "line": sim.line.path, "baudrate": baud, **opts}}, f)
    env = dict(os.environ, QPYSHIM_CONFIG=f.name)
    try:
        with procs.Worker("modem_sender.py", procs.ROOT, sink.port, seconds, SIZE, env=env) as w:
            w.expect("ready", 60)
            w.expect("done", seconds + 60)
        sink.thread.join(30)
        return sink.rate()
    finally:
        sink.close()
        sim.stop()
        os.unlink(f.name)


def rows(a):
    """(name, title, dialect, baud) for every row."""
    for d in dialects().names():
        for b in BAUDS:
            yield f"modem_{d}_{b}", f"{d} 1 KiB sends at {b} baud (line | payload)", d, b
