"""The in-process rig for the modem recovery tests (issue 14): a driver on
CPython (the shim's modules are the same code on micropython) up on the
in-process simulator's line, a loopback echo server for its sockets, and the
fuzz of unexpected-but-well-formed modem output with traffic. The generic
tests are tests/test_modem_recovery.py; each dialect's own unsolicited set
and status-change tests are in tests/dialects/NAME/test_recovery.py.

The simulator records any exception it caught and any command or frame it
could not take, and both must stay empty."""

import contextlib
import socket
import threading
import time

import pytest
from hypothesis import given, settings, strategies as st

from modemkit import simulator, stack
from shim._modems import load

UP_S = 20  # the simulator's modem comes up at once; this is a ceiling, not a wait
RECOVER_S = 15  # after the noise stops: a connect and an echo within this


class Echo:
    """A loopback TCP echo server for the modem's sockets to reach."""

    def __init__(self):
        self.ls = socket.socket()
        self.ls.bind(("127.0.0.1", 0))
        self.ls.listen(16)
        self.port = self.ls.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                c, _ = self.ls.accept()
            except OSError:
                return
            threading.Thread(target=self._one, args=(c,), daemon=True).start()

    @staticmethod
    def _one(c):
        c.settimeout(30)
        with c:
            while True:
                try:
                    d = c.recv(1024)
                except OSError:
                    return
                if not d:
                    return
                c.sendall(d)

    def close(self):
        self.ls.close()


@contextlib.contextmanager
def rig(dialect, **cfg):
    """(sim, driver, echo port): a driver up on the simulator's line."""
    echo = Echo()
    with simulator(dialect) as sim:
        sect = stack(sim, **cfg)["stack"]
        drv = load(dialect, sect).driver
        events = []  # dataCall's view: (profile, up, ip, ...) per change
        drv.start(True, lambda *a: events.append(a[1]))
        drv.test_events = events
        end = time.monotonic() + UP_S
        while not drv.up:
            assert time.monotonic() < end, "the modem never came up"
            time.sleep(0.02)
        try:
            yield sim, drv, echo.port
        finally:
            sim.stop()  # the line closes: the driver's reader ends
            echo.close()


def echo_once(drv, port, timeout=5):
    s = drv.socket(1)
    s.settimeout(timeout)
    try:
        s.connect(("127.0.0.1", port))
        s.send(b"ping")
        got = b""
        while len(got) < 4:
            b = s.recv(16)
            if not b:
                break
            got += b
        return got
    finally:
        try:
            s.close()
        except OSError:
            pass


def recovers(drv, port, bound=RECOVER_S):
    """The link is up again (dataCall's profile follows drv.up: while it is
    down usocket refuses with 113) and a fresh socket connects and echoes,
    within bound seconds; the app retries, as QuecPython apps do."""
    end = time.monotonic() + bound
    last = None
    while time.monotonic() < end:
        if drv.up:
            try:
                if echo_once(drv, port, timeout=max(1, min(5, end - time.monotonic()))) == b"ping":
                    return True
            except OSError as e:
                last = e
        time.sleep(0.2)  # the app's retry pace
    raise AssertionError(f"no connect + echo within {bound} s (up={drv.up}, last error {last!r})")


def went_down(drv, bound=5):
    """The driver has read the status: dataCall saw the link go down."""
    end = time.monotonic() + bound
    while False not in drv.test_events:
        assert time.monotonic() < end, "the driver never read the status change"
        time.sleep(0.01)


def clean(sim):
    assert sim.errors == [], sim.errors
    assert sim.bad == [], sim.bad  # the driver sent only commands and frames the modem takes


def inject(sim, data):
    sim.later(lambda: sim.send(data))


CALL_S = 2
SLACK_S = 1  # the bound: timeout + 1 s


def timed(fn, *args):
    t0 = time.monotonic()
    try:
        out = fn(*args)
    except OSError as e:
        out = e
    return out, time.monotonic() - t0


def piece(unexpected):
    return st.one_of(
        st.sampled_from(unexpected),
        st.sampled_from(unexpected).map(lambda b: b[: max(1, len(b) // 2)]),  # cut short
        st.binary(min_size=1, max_size=24),  # line noise
        st.integers(1, 3),  # the modem's replies are lost for this many seconds
    )


def fuzz(dialect, pieces):
    with rig(dialect, command_timeout_ms=5000) as (sim, drv, port):
        stop = threading.Event()
        slow = []  # (call, seconds) of calls that overran their timeout + 1 s

        def call(name, fn, *args):
            t0 = time.monotonic()
            try:
                return fn(*args)
            finally:
                secs = time.monotonic() - t0
                if secs > CALL_S + SLACK_S:
                    slow.append((name, round(secs, 2)))

        def traffic():
            while not stop.is_set():
                s = drv.socket(1)
                s.settimeout(CALL_S)
                try:
                    call("connect", s.connect, ("127.0.0.1", port))
                    call("send", s.send, b"ping")
                    call("recv", s.recv, 16)
                except OSError:
                    pass
                try:
                    s.close()
                except OSError:
                    pass

        t = threading.Thread(target=traffic, daemon=True)
        t.start()
        for p in pieces:
            if isinstance(p, int):
                sim.mute(p)
            else:
                inject(sim, p)
            time.sleep(0.03)  # a modem's own pace, not synchronisation
        stop.set()
        t.join(30)
        assert not t.is_alive(), "a call with a timeout never returned"
        assert slow == [], slow
        while time.monotonic() < sim.muted_until:
            time.sleep(0.1)
        assert recovers(drv, port)
        clean(sim)


def fuzz_test(dialect, unexpected):
    """The test for one dialect: `unexpected` is its own set of well-formed
    unsolicited output (frames, result codes)."""

    @pytest.mark.timeout(120)
    @pytest.mark.xdist_group("heavy")  # its bounds are the issue's: not beside a fleet (pyproject's addopts)
    @settings(max_examples=6, deadline=None, derandomize=True, database=None)
    @given(st.lists(piece(unexpected), min_size=10, max_size=50))
    def test(pieces):
        fuzz(dialect, pieces)

    test.__doc__ = f"{dialect}: unexpected but well-formed output with traffic, then a connect and echo."
    return test
