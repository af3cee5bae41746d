"""Serial lines for the desktop board's machine.UART: a pty whose far end
the board opens (its path goes in the config's "uart" section) while the
host reads and writes the near end. A test drives it directly; `qpyshim run
--uart N` joins it to a second pty a terminal program can open."""

import fcntl
import os
import pty
import select
import termios
import threading
import time
import tty


class PtyLine:
    def __init__(self):
        self._master, self._slave = pty.openpty()
        # Raw before the board opens it: nothing written early is echoed or
        # cooked. Holding the far end open keeps that setting and spares the
        # near end EIO while the board restarts.
        tty.setraw(self._slave)
        self.path = os.ttyname(self._slave)
        self._buf = b""
        self._lock = threading.Lock()

    def fileno(self):
        return self._master

    def settings(self):
        """The line's termios attributes as the board set them (framing,
        speed): [iflag, oflag, cflag, lflag, ispeed, ospeed, cc]."""
        return termios.tcgetattr(self._slave)

    def write(self, data, timeout=10.0):
        """Write all of data; TimeoutError when the board has not taken it
        within timeout (its side is not reading and the pty is full)."""
        if isinstance(data, str):
            data = data.encode()
        view = memoryview(data)
        deadline = time.monotonic() + timeout
        while view:
            _, w, _ = select.select([], [self._master], [], max(0, deadline - time.monotonic()))
            if not w:
                raise TimeoutError(f"the board took {len(data) - len(view)} of {len(data)} bytes "
                                   f"within {timeout} s")
            try:
                n = os.write(self._master, view)
            except BlockingIOError:
                continue
            view = view[n:]

    def _fill(self, timeout):
        r, _, _ = select.select([self._master], [], [], max(timeout, 0))
        if r:
            try:
                self._buf += os.read(self._master, 4096)
            except OSError:  # EIO: nothing on the far end right now
                return False
            return True
        return False

    def read(self, n=4096, timeout=0.0):
        """Up to n bytes the board has written, waiting up to timeout for the first."""
        with self._lock:
            if not self._buf:
                self._fill(timeout)
            out, self._buf = self._buf[:n], self._buf[n:]
            return out

    def read_until(self, expected, timeout=10.0):
        """Everything up to and including `expected`; TimeoutError with what
        came otherwise."""
        if isinstance(expected, str):
            expected = expected.encode()
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                i = self._buf.find(expected)
                if i >= 0:
                    out, self._buf = self._buf[:i + len(expected)], self._buf[i + len(expected):]
                    return out
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"the board did not write {expected!r} within {timeout} s; "
                                       f"it wrote {self._buf!r}")
                self._fill(left)

    def close(self):
        for fd in (self._master, self._slave):
            try:
                os.close(fd)
            except OSError:
                pass


class Relay:
    """Two pty lines joined back to back, like a null-modem cable: the board
    opens one, a terminal program the other (`qpyshim run --uart N`). As on
    a real line without flow control, bytes that the far side is not there
    (or not quick enough) to take are lost, and the relay carries on."""

    def __init__(self):
        self.board, self.user = PtyLine(), PtyLine()
        self.path = self.board.path
        self.user_path = self.user.path
        self.dropped = 0
        for end in (self.board, self.user):
            fd = end.fileno()
            fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)
        self._stop = False
        self._t = threading.Thread(target=self._pump, daemon=True)
        self._t.start()

    def _pump(self):
        ends = {self.board.fileno(): self.user.fileno(), self.user.fileno(): self.board.fileno()}
        while not self._stop:
            r, _, _ = select.select(list(ends), [], [], 0.2)
            for fd in r:
                try:
                    data = os.read(fd, 4096)
                except OSError:
                    continue  # EIO: that end is not open yet
                try:
                    n = os.write(ends[fd], data)
                except OSError:  # EAGAIN: full, nobody reading
                    n = 0
                self.dropped += len(data) - n

    def close(self):
        self._stop = True
        self._t.join(2)
        self.board.close()
        self.user.close()
