"""Misbehaving peers on loopback, for mapping an app's endpoint to a fault:
a peer that resets mid-transfer, one that half-closes, one that never
answers, a port whose connects time out and one that refuses. Map one in a
--net file as a stand-in ({"kind": "reset", "endpoint": "203.0.113.7:80"}),
or use the classes from a test and put their .address under "endpoints"."""

import socket
import struct
import threading

PAYLOAD = b"0123456789" * 100  # what the talking peers send first


class _Closing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class _Peer(_Closing):
    """Accepts on 127.0.0.1 (ephemeral port) and hands each connection to
    handle() in a thread of its own."""

    def __init__(self):
        self._ls = socket.socket()
        self._ls.bind(("127.0.0.1", 0))
        self._ls.listen(16)
        self.address = "127.0.0.1:%d" % self._ls.getsockname()[1]
        self.received = bytearray()  # everything the app sent, all connections
        self._lock = threading.Lock()
        self._conns = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self._ls.accept()
            except OSError:
                return  # closed
            conn.settimeout(30)
            with self._lock:
                self._conns.append(conn)
            threading.Thread(target=self._guard, args=(conn,), daemon=True).start()

    def _guard(self, conn):
        try:
            self.handle(conn)
        except OSError:
            pass

    def _read_all(self, conn):
        while True:
            data = conn.recv(4096)
            if not data:
                return
            with self._lock:
                self.received += data

    def close(self):
        self._ls.close()
        with self._lock:
            for c in self._conns:
                c.close()


class ResetPeer(_Peer):
    """Sends part of PAYLOAD, then resets the connection (RST, not FIN)."""

    def handle(self, conn):
        conn.sendall(PAYLOAD[:500])
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()


class HalfClosePeer(_Peer):
    """Sends PAYLOAD, shuts its sending side, and keeps reading: the app's
    side stays open for writing."""

    def handle(self, conn):
        conn.sendall(PAYLOAD)
        conn.shutdown(socket.SHUT_WR)
        self._read_all(conn)


class SilentPeer(_Peer):
    """Accepts and reads, never sends: the app's recv times out."""

    def handle(self, conn):
        self._read_all(conn)


class Blackhole(_Closing):
    """A port whose connects are never answered: a listener that never
    accepts, its queue filled, so the kernel drops further SYNs."""

    def __init__(self):
        self._ls = socket.socket()
        self._ls.bind(("127.0.0.1", 0))
        self._ls.listen(0)
        self.address = "127.0.0.1:%d" % self._ls.getsockname()[1]
        self._fill = []
        for _ in range(8):  # bounded: Linux queues backlog + 1
            s = socket.socket()
            s.settimeout(0.5)
            self._fill.append(s)
            try:
                s.connect(self._ls.getsockname())
            except OSError:
                return  # this one was dropped: the queue is full
        raise RuntimeError("could not fill the listen queue of %s" % self.address)

    def close(self):
        for s in self._fill:
            s.close()
        self._ls.close()


class RefusingPeer(_Closing):
    """A port with nothing listening (held bound, so no one else takes it):
    connects are refused."""

    def __init__(self):
        self._s = socket.socket()
        self._s.bind(("127.0.0.1", 0))
        self.address = "127.0.0.1:%d" % self._s.getsockname()[1]

    def close(self):
        self._s.close()


KINDS = {"reset": ResetPeer, "halfclose": HalfClosePeer, "silent": SilentPeer,
         "blackhole": Blackhole, "refuse": RefusingPeer}
