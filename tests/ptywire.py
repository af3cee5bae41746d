"""The driver's end of a modem simulator's pty, driven by hand: what the
golden tests write to a simulated modem and read back, byte for byte. Every
read is bounded by a timeout."""

import os
import re
import select
import time

import pytest


class PtyWire:
    def __init__(self, sim):
        self.fd = os.open(sim.line.path, os.O_RDWR | os.O_NOCTTY)
        self.buf = b""

    def write(self, data):
        os.write(self.fd, data)

    send = write

    def _fill(self, end):
        """Read what is there before `end`; False once the time is up."""
        left = end - time.monotonic()
        if left <= 0:
            return False
        r, _, _ = select.select([self.fd], [], [], left)
        if r:
            self.buf += os.read(self.fd, 4096)
        return True

    def expect(self, want, timeout=5):
        """Wait for `want` anywhere ahead; what came before it."""
        end = time.monotonic() + timeout
        while want not in self.buf:
            assert self._fill(end), f"wanted {want!r}, got {self.buf!r}"
        i = self.buf.index(want)
        before, self.buf = self.buf[:i], self.buf[i + len(want):]
        return before

    def exactly(self, want, timeout=5):
        """The next bytes are `want`, nothing before them."""
        end = time.monotonic() + timeout
        while len(self.buf) < len(want) and self._fill(end):
            pass
        got, self.buf = self.buf[:len(want)], self.buf[len(want):]
        assert got == want, f"wanted {want!r}, got {got!r} (then {self.buf!r})"

    def match(self, pattern, timeout=5):
        """The next bytes match the regex `pattern` (bytes, ending in a
        literal terminator so a partial read can't match)."""
        rx = re.compile(pattern, re.S)
        end = time.monotonic() + timeout
        while True:
            m = rx.match(self.buf)
            if m:
                self.buf = self.buf[m.end():]
                return m
            if not self._fill(end):
                raise AssertionError(f"wanted /{pattern!r}/, got {self.buf!r}")

    def read(self, seconds):
        """Everything that arrives within `seconds` (for what a boot prints)."""
        end = time.monotonic() + seconds
        while self._fill(end):
            pass
        return self.buf

    def quiet(self, seconds=0.2):
        """Nothing more arrives within `seconds`."""
        assert self.read(seconds) == b"", self.buf

    def close(self):
        os.close(self.fd)


def fixture(cls, setup=None):
    """A `wire` fixture: wire(sim, ...) opens a `cls` on sim's pty (then runs
    setup(w, ...)); every wire is closed after the test."""

    @pytest.fixture
    def wire():
        opened = []

        def make(sim, *args, **kw):
            w = cls(sim)
            opened.append(w)
            if setup:
                setup(w, *args, **kw)
            return w

        yield make
        for w in opened:
            w.close()

    return wire
