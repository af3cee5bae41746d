"""The Telit driver's line parsing under hypothesis, in CPython: whatever the
modem (or line noise) sends, parse() never raises and never grows without
bound; URCs interleaved with a command's reply, in any chunking, are each
understood; a counted #SRECV payload is taken whole even when it holds
lines that look like replies; and after garbage, a well-formed reply is
still understood."""

from hypothesis import given, settings, strategies as st

from modemkit import QuietLine
from shim._modems.telit import at as at
from shim._modems.atline import MAX_LINE
from shim._modems.core import CONNECTED
from shim._modems.telit.driver import Telit

FAST = settings(max_examples=200, deadline=None)
# Bytes the reader treats specially, over-represented so hypothesis finds them.
NOISE = st.lists(st.one_of(st.binary(max_size=12), st.sampled_from(
    [b"\r", b"\n", b"\r\n", b"> ", b"OK", b"ERROR", b"+CME ERROR: ", b"SRING", b": ", b",", b"#SRECV: ", b"1,",
     b"1500", b"99999", b"\xff", b"#SS: 1,0", b'"'])), max_size=60).map(b"".join)
LINES = [b"OK", b"ERROR", b"+CME ERROR: wrong state", b"+CME ERROR: 562", b"NO CARRIER", b"CONNECT",
         b"#SS: 1,2,10.0.0.1,5000,10.0.0.2,80", b"#SGACT: 1,1", b"#QDNS: \"h\",\"1.2.3.4\""]


def driver():
    d = Telit(QuietLine(), {})
    socks = []
    for i in (1, 2):
        s = d.socket(1 if i == 1 else 2)
        s.st = CONNECTED
        d.own(s, i)
        socks.append(s)
    return d, socks


def begin(d, sock=None):
    """What command() sets up for a command in flight, without a thread waiting."""
    d.reply = None
    d.replies.lines = []
    d.replies.sock = sock
    d.replies.hdr = False
    d.replies.cmd = b"AT#TEST"
    d.replies.gen += 1
    d.waiting = True


def bounded(d):
    assert len(d.replies.at.buf) < MAX_LINE
    assert len(d.replies.lines) <= 16
    assert d.replies.at.raw is None or len(d.replies.at.raw) <= Telit.MAX + 1


def feed(d, data, chunk):
    for i in range(0, len(data), chunk):
        d.parse(data[i:i + chunk])
        bounded(d)


@FAST
@given(NOISE, st.integers(1, 64), st.booleans(), st.booleans())
def test_noise_never_raises_and_stays_bounded(noise, chunk, waiting, reading):
    d, (s, u) = driver()
    if waiting:
        begin(d, s if reading else None)
    feed(d, noise * 3, chunk)


@FAST
@given(st.binary(max_size=80))
def test_the_line_parsers_take_any_bytes(b):
    for f in (at.final, at.sring, at.srecv, at.ss):
        f(b)
        f(b"+CME ERROR:" + b)
        f(b"SRING:" + b)
        f(b"#SRECV:" + b)
        f(b"#SS:" + b)
    at.info([b, b"#QDNS:" + b], b"#QDNS:")
    at.sgact([b"#SGACT:" + b])


@FAST
@given(st.lists(st.sampled_from(LINES[6:]), max_size=5), st.sampled_from(LINES[:6]),
       st.lists(st.tuples(st.integers(0, 6), st.integers(1, 2), st.integers(0, 1500)), max_size=4),
       st.integers(1, 40))
def test_urcs_between_reply_lines_in_any_chunking(info, final, urcs, chunk):
    d, socks = driver()
    begin(d)
    lines = list(info) + [final]
    for pos, cid, n in sorted(urcs, reverse=True):
        lines.insert(min(pos, len(lines) - 1), b"SRING: %d,%d" % (cid, n))
    feed(d, b"".join(b"\r\n" + ln + b"\r\n" for ln in lines), chunk)
    assert d.reply == final
    assert d.replies.lines == list(info)
    for pos, cid, n in urcs:
        assert socks[cid - 1].pending  # every socket named in a URC was told


@FAST
@given(st.binary(max_size=Telit.MAX), st.integers(1, 64), st.booleans())
def test_srecv_payload_is_taken_whole(payload, chunk, udp):
    # The payload may hold "\r\nOK\r\n" or "SRING: ..." lines: counted bytes
    # are data, never replies.
    d, (s, u) = driver()
    payload = payload + b"\r\nOK\r\nSRING: 2,5\r\n"[: Telit.MAX - len(payload)]
    sock = u if udp else s
    begin(d, sock)
    head = b"#SRECV: 10.0.0.9,53,2,%d,0" % len(payload) if udp else b"#SRECV: 1,%d" % len(payload)
    feed(d, b"\r\n" + head + b"\r\n" + payload + b"\r\n\r\nOK\r\n\r\nSRING: 1,3\r\n", chunk)
    assert d.reply == b"OK"
    if udp:
        assert u.dgrams == ([(payload, ("10.0.0.9", 53))] if payload else [])
        assert u.pending == 0 and s.pending == 3
    else:
        assert b"".join(s.rx) == payload
        assert s.pending == 3  # the SRING after the reply counts again
    assert u.pending == 0 or not udp


@FAST
@given(NOISE, st.sampled_from(LINES[:5]), st.integers(1, 64))
def test_a_reply_after_garbage_is_understood(noise, final, chunk):
    d, (s, u) = driver()
    feed(d, noise + b"\r\n", chunk)  # no command in flight: all of it is dropped
    begin(d, s)
    feed(d, b"\r\n#SS: 1,2,1.2.3.4,1,5.6.7.8,2\r\n\r\n" + final + b"\r\n", chunk)
    assert d.reply == final and d.replies.lines == [b"#SS: 1,2,1.2.3.4,1,5.6.7.8,2"]


@FAST
@given(st.integers(0, 200), st.integers(1, 64))
def test_a_truncated_payload_is_dropped_when_its_command_gives_up(cut, chunk):
    d, (s, u) = driver()
    begin(d, s)
    feed(d, b"\r\n#SRECV: 1,300\r\n" + b"x" * cut, chunk)
    assert d.replies.at.raw is not None  # still counting the 300 bytes
    d.waiting = False  # the command timed out
    begin(d)
    feed(d, b"\r\nOK\r\n", chunk)
    assert d.reply == b"OK" and d.replies.at.raw is None


@FAST
@given(st.integers(Telit.MAX + 1, 10 ** 9), st.integers(1, 20000))
def test_oversized_counts_and_lines_are_refused(n, size):
    d, (s, u) = driver()
    begin(d, s)
    feed(d, b"\r\n#SRECV: 1,%d\r\n" % n, 7)
    assert d.replies.at.raw is None  # more than #SRECV can give: not a header
    feed(d, b"z" * size, 997)  # a line with no end: cut at MAX_LINE, never growing
    feed(d, b"\r\nOK\r\n", 3)
    assert d.reply == b"OK"


def test_a_stale_prompt_or_echo_is_not_an_answer():
    d, (s, u) = driver()
    begin(d)
    d.replies.want_prompt = True
    d.parse(b"AT#TEST\r\r\n> ")
    assert d.replies.prompted and d.reply is None and d.replies.lines == []
    d.parse(b"\r\nOK\r\n")
    assert d.reply == b"OK"
