# A serial line on CPython: a pty or a tty in raw mode, read without blocking
# (b'' when nothing is waiting), with QuecPython's framing numbers.
import os as _os


class _Tty:
    def __init__(self, path, baud, bits, parity, stop, flow):
        import select
        import termios
        import tty

        from ..._desktop.termios import cflag

        self._fd = _os.open(path, _os.O_RDWR | _os.O_NOCTTY | _os.O_NONBLOCK)
        tty.setraw(self._fd)
        a = termios.tcgetattr(self._fd)
        a[2] = cflag(a[2], bits, parity, stop, flow)
        speed = getattr(termios, "B%d" % baud, None)
        if speed is not None:
            a[4] = a[5] = speed
        termios.tcsetattr(self._fd, termios.TCSANOW, a)
        self._p = select.poll()
        self._p.register(self._fd, select.POLLIN)

    def read(self, n):
        try:
            return _os.read(self._fd, n)
        except BlockingIOError:
            return b""

    def readable(self, ms):
        for _, ev in self._p.poll(ms):
            if ev & 0x18:
                raise OSError(5)
            return True
        return False

    def write(self, data):
        import select

        view, done = memoryview(data), 0
        while done < len(view):
            try:
                done += _os.write(self._fd, view[done:])
            except BlockingIOError:
                select.select([], [self._fd], [], 1)
        return done

    def close(self):
        fd, self._fd = self._fd, -1  # a later write fails instead of reaching a reused descriptor
        if fd >= 0:
            _os.close(fd)


def serial(path, baud, bits=8, parity=0, stop=1, flow=0):
    return _Tty(path, baud, bits, parity, stop, flow)
