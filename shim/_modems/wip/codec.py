# What a Sierra Wireless / Wavecom WIP modem writes on its UART, cut into
# what it means: AT-mode lines, and, while the UART is mapped to a socket in
# continuous mode (AT+WIPDATA=<p>,<i>,1 -> CONNECT), that socket's data with
# DLE (0x10) escaping DLE and ETX (0x03). An unescaped ETX ends a datagram
# (UDP); it ends the session itself when no data came before it (UDP) or at
# all (TCP): the UART is back in AT mode, and the next line says why (OK
# for our +++, +WIPPEERCLOSE, +CME ERROR: 843, +WIPBR: 6,0, +WIND: 4).
# The same escaping goes the other way (escape()). Also the result codes:
# +CME ERROR numbers and what they mean as errnos, and our socket ids.
# Pure: no I/O, no driver state.

DLE = 0x10
ETX = 0x03
MAX_LINE = 512  # longer lines are cut: a garbled line must not grow without end
MAX_DGRAM = 4096  # a datagram whose ETX was lost is cut here, for the same reason

LINES, STREAM, DGRAMS = 0, 1, 2

# +CME ERROR codes -> errno. The WIP guides give the codes' meanings; 845
# (index reserved) and 848 (name not found) are our picks where they give
# none (see qpyshim/modemsim/wip/).
ERRNO = {800: 22, 801: 22, 802: 105, 803: 101, 830: 9, 831: 9, 834: 95, 837: 93, 838: 23,
         840: 98, 842: 113, 843: 104, 845: 98, 848: -202}
# A create's failure comes later as a bare +CME ERROR that names no socket;
# these codes never answer one of our commands, so they go to the oldest
# create in flight even while a command waits.
LATE = (842, 843, 848)


def sid(proto, idx):
    """Our id for the modem's (protocol, index): one int, as the table wants."""
    return proto * 16 + idx


def code(line):
    t = line[11:].strip()
    return int(t) if t.isdigit() else 0


def errno_of(reply):
    if reply.startswith(b"+CME ERROR:"):
        return ERRNO.get(code(reply), 5)
    return 5


def escape(data):
    """Data as the mapped UART carries it: DLE before each DLE and ETX."""
    b = bytes(data)
    if b.find(b"\x10") < 0 and b.find(b"\x03") < 0:
        return b  # the common case: text needs no copy
    out = bytearray()
    start = 0
    for i in range(len(b)):
        c = b[i]
        if c == DLE or c == ETX:
            out.extend(b[start:i])
            out.append(DLE)
            start = i  # the byte itself leads the next run
    out.extend(b[start:])
    return bytes(out)


def _special(data, i):
    # The first DLE or ETX at or after i, or len(data).
    a = data.find(b"\x10", i)
    b = data.find(b"\x03", i)
    if a < 0:
        return len(data) if b < 0 else b
    return a if b < 0 or a < b else b


class Stream:
    """Bytes in; calls out: on_line(bytes) for each AT line (no CR/LF, empty
    lines skipped), on_data(bytes) for a mapped TCP socket's data,
    on_dgram(bytes) for each datagram of a mapped UDP socket, on_end() when
    the modem ends the session. The driver switches `mode` to STREAM or
    DGRAMS from on_line when its CONNECT arrives; the bytes after it are
    then read as data, and the stream falls back to LINES by itself."""

    def __init__(self, on_line, on_data, on_dgram, on_end):
        self.on_line = on_line
        self.on_data = on_data
        self.on_dgram = on_dgram
        self.on_end = on_end
        self.mode = LINES
        self.buf = bytearray()  # the line, or the datagram, being gathered
        self.dle = False  # the last data byte was an unescaped DLE
        self.lf = False  # a CR just ended a line: a LF right after it is the line's
        self.cut = 0  # bytes dropped from over-long lines and datagrams

    def reset(self):
        self.mode = LINES
        self.buf = bytearray()
        self.dle = False
        self.lf = False

    def feed(self, data):
        i, n = 0, len(data)
        while i < n:
            if self.lf:
                # "CONNECT\r\n": the LF must not become the first data byte.
                self.lf = False
                if data[i] == 10:
                    i += 1
                    continue
            if self.mode == LINES:
                i = self._lines(data, i, n)
            else:
                i = self._data(data, i, n)

    def _lines(self, data, i, n):
        # Returns after each line: its handler may have switched the mode.
        while i < n:
            b = data[i]
            i += 1
            if b == 13 or b == 10:
                if self.buf:
                    line = bytes(self.buf)
                    self.buf = bytearray()
                    self.lf = b == 13
                    self.on_line(line)
                    return i
                continue
            if b == ETX:
                # A session's end seen in AT mode (a CONNECT we never read):
                # what came before it was data, not a line.
                self.buf = bytearray()
                continue
            if len(self.buf) < MAX_LINE:
                self.buf.append(b)
            else:
                self.cut += 1
        return i

    def _data(self, data, i, n):
        while i < n:
            if self.dle:
                self.dle = False
                self._out(data[i:i + 1])
                i += 1
                continue
            j = _special(data, i)
            if j > i:
                self._out(data[i:j])
                i = j
                continue
            b = data[i]
            i += 1
            if b == DLE:
                self.dle = True
                continue
            # An unescaped ETX.
            if self.mode == DGRAMS and self.buf:
                d = bytes(self.buf)
                self.buf = bytearray()
                self.on_dgram(d)
                continue
            self.reset()
            self.on_end()
            return i
        return i

    def _out(self, chunk):
        if self.mode == STREAM:
            self.on_data(chunk)
            return
        room = MAX_DGRAM - len(self.buf)
        if len(chunk) > room:
            self.cut += len(chunk) - room
            chunk = chunk[:room]
        self.buf.extend(chunk)
