"""The modem's end of the serial line to the driver: a pty, or a TCP
endpoint on loopback. Both read and write without blocking; the
simulator's loop (base.py) paces them."""

import errno
import os
import socket
import tty


class PtyLine:
    """The simulator owns the master; the driver opens `path`. A spare
    slave descriptor stays open so a driver that closes and reopens the
    line does not leave the master reading EIO."""

    def __init__(self):
        self.master, slave = os.openpty()
        tty.setraw(slave)
        self.path = os.ttyname(slave)
        self._spare = slave
        os.set_blocking(self.master, False)

    def fileno(self):
        return self.master

    def read(self, n):
        try:
            return os.read(self.master, n)
        except BlockingIOError:
            return b""
        except OSError as e:
            if e.errno == errno.EIO:
                return b""
            raise

    def write(self, data):
        try:
            return os.write(self.master, data)
        except BlockingIOError:
            return 0

    def close(self):
        for fd in (self.master, self._spare):
            try:
                os.close(fd)
            except OSError:
                pass


class TcpLine:
    """A serial line over TCP: the driver connects to 127.0.0.1:port. One
    driver at a time; when it goes, the modem waits for the next."""

    def __init__(self, port=0):
        self.ls = socket.socket()
        self.ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.ls.bind(("127.0.0.1", port))
        self.ls.listen(1)
        self.ls.setblocking(False)
        self.port = self.ls.getsockname()[1]
        self.path = f"tcp:127.0.0.1:{self.port}"
        self.conn = None

    def fileno(self):
        return self.conn.fileno() if self.conn else self.ls.fileno()

    def read(self, n):
        if self.conn is None:
            try:
                self.conn, _ = self.ls.accept()
                self.conn.setblocking(False)
            except BlockingIOError:
                pass
            return b""
        try:
            data = self.conn.recv(n)
        except BlockingIOError:
            return b""
        except OSError:
            data = b""
        if not data:
            self.conn.close()
            self.conn = None
        return data

    def write(self, data):
        if self.conn is None:
            return len(data)  # nobody on the line: the bytes fall on the floor
        try:
            return self.conn.send(data)
        except BlockingIOError:
            return 0
        except OSError:
            return len(data)

    def close(self):
        if self.conn:
            self.conn.close()
        self.ls.close()
