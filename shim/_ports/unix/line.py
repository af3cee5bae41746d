# A serial line on the unix port: a pty or a tty in raw mode, read without
# blocking, with QuecPython's framing numbers.
from . import open_host  # the host's device, not the app's checked open


class Tty:
    # A pty or serial device in raw mode with VMIN = VTIME = 0: a read returns
    # what is waiting, b'' when nothing is, so no read ever blocks.
    def __init__(self, path, baud, bits, parity, stop, flow):
        import select
        import termios

        from ..._desktop.termios import cflag

        f = open_host(path, "r+b")
        fd = f.fileno()
        termios.setraw(fd)
        a = termios.tcgetattr(fd)
        a[6][6] = 0  # VMIN
        a[6][5] = 0  # VTIME
        a[2] = cflag(a[2], bits, parity, stop, flow)
        speed = getattr(termios, "B%d" % baud, None)
        if speed is not None:
            a[4] = a[5] = speed
        termios.tcsetattr(fd, termios.TCSANOW, a)
        self._f = f
        self._p = select.poll()
        self._p.register(f, select.POLLIN)

    def read(self, n):
        return self._f.read(n) or b""

    def readable(self, ms):
        for _, ev in self._p.poll(ms):
            if ev & 0x18:  # POLLHUP | POLLERR: the other end has gone
                raise OSError(5)
            return True
        return False

    def write(self, data):
        return self._f.write(data)

    def close(self):
        self._f.close()
