# The byte-fed reader an AT dialect can build on, and the field parsers the
# AT dialects share (fields, ints, digits). The reader cuts the modem's
# output into lines, spots a data prompt that has no
# line end, and, when the command in flight says "N raw bytes follow" (or
# "raw bytes up to this trailer"), hands those over whole, never reading
# binary data as lines. Lines longer than MAX_LINE are cut (a garbled line
# must not grow without end).

MAX_LINE = 512


class AtReader:
    def __init__(self, on_line, on_raw=None, prompts=()):
        self.on_line = on_line  # called with each line (bytes, no CR/LF); empty lines skipped
        self.on_raw = on_raw  # called with a counted or trailer-ended payload
        self.prompts = prompts  # byte strings that end a "line" without CR/LF (b"> ")
        self.buf = bytearray()
        self.raw_left = 0  # counted bytes still to come
        self.raw = None  # the payload being gathered
        self.trailer = None  # gather until this, instead of a count

    def expect_raw(self, n):
        """The next n bytes are data (after the current line)."""
        self.raw_left = n
        self.raw = bytearray()
        self.trailer = None
        if n == 0:
            self._raw_done()

    def expect_until(self, trailer):
        """The next bytes up to `trailer` are data (the trailer is dropped)."""
        self.trailer = trailer
        self.raw = bytearray()
        self.raw_left = 0

    def reset(self):
        self.buf = bytearray()
        self.raw = None
        self.raw_left = 0
        self.trailer = None

    def feed(self, data):
        i, n = 0, len(data)
        while i < n:
            if self.raw is not None and self.trailer is None:
                take = min(self.raw_left, n - i)
                self.raw.extend(data[i:i + take])
                self.raw_left -= take
                i += take
                if self.raw_left == 0:
                    self._raw_done()
                continue
            if self.raw is not None:
                self.raw.extend(data[i:])
                i = n
                t = self.trailer
                j = _find(self.raw, t)
                if j >= 0:
                    rest = bytes(self.raw[j + len(t):])
                    self.raw = self.raw[:j]
                    self._raw_done()
                    self.feed(rest)
                continue
            b = data[i]
            i += 1
            if b == 10 or b == 13:
                if self.buf:
                    line = bytes(self.buf)
                    self.buf = bytearray()
                    self.on_line(line)
                continue
            self.buf.append(b)
            if len(self.buf) >= MAX_LINE:
                line = bytes(self.buf)
                self.buf = bytearray()
                self.on_line(line)
                continue
            for p in self.prompts:
                if len(self.buf) == len(p) and self.buf == p:
                    self.buf = bytearray()
                    self.on_line(p)
                    break

    def _raw_done(self):
        data = bytes(self.raw)
        self.raw = None
        self.trailer = None
        if self.on_raw:
            self.on_raw(data)


def _find(buf, t):
    # bytearray.find is missing on some MicroPython builds
    try:
        return buf.find(t)
    except AttributeError:
        return bytes(buf).find(t)


def fields(text):
    """'1,"10.0.0.1",80' -> ['1', '10.0.0.1', '80']: split on commas outside
    quotes, quotes dropped."""
    out, cur, quoted = [], [], False
    for c in text:
        if c == '"':
            quoted = not quoted
        elif c == "," and not quoted:
            out.append("".join(cur).strip())
            cur = []
        else:
            cur.append(c)
    out.append("".join(cur).strip())
    return out


def digits(s):
    """Whether s is one or more ASCII digits. (CPython's str.isdigit also
    takes other scripts' digits, and '\u00b9', which int() refuses: a
    garbled line must not raise. MicroPython's is ASCII only.)"""
    if not s:
        return False
    for c in s:
        if not "0" <= c <= "9":
            return False
    return True


def ints(parts):
    """The numbers in `parts`, or None if one is not a number."""
    out = []
    for p in parts:
        if not (digits(p) or (p[:1] == "-" and digits(p[1:]))):
            return None
        out.append(int(p))
    return out
