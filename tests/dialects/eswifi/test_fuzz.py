"""The eS-WiFi driver's reply reader under malformed, truncated, interleaved
and oversized input, in CPython: it never raises, its buffers stay bounded,
well-formed replies and async lines come out whole however the bytes are
cut, and after garbage the next command's reply is still understood."""

from hypothesis import example, given, settings, strategies as st

from modemkit import QuietLine
from shim._modems.eswifi.driver import EsWifi
from shim._modems.eswifi.at import ACCEPTED, MAX_LINE, MAX_LINES, SLACK, TRAILER, Replies, ip_or_none
from shim._modems.core import CLOSED, LISTENING

FAST = settings(max_examples=150, deadline=None)


class Log:
    def __init__(self):
        self.replies = []
        self.asyncs = []
        self.r = Replies(lambda ok, what: self.replies.append((ok, what)), self.asyncs.append)


def chunked(data, cuts):
    """data cut at the given fractions (every cut of a stream is possible)."""
    points = sorted({int(c * len(data)) for c in cuts})
    out, last = [], 0
    for p in points + [len(data)]:
        if p > last:
            out.append(data[last:p])
            last = p
    return out


def bounded(r, chunk):
    assert len(r.buf) < MAX_LINE
    assert len(r.lines) <= MAX_LINES
    if r.raw is not None:
        assert len(r.raw) <= r.rmax + len(TRAILER) + SLACK + 2 + chunk


# Body lines as the module prints them: no CR/LF, none starting with "> ".
line = st.text(st.characters(min_codepoint=32, max_codepoint=126, blacklist_characters=">"),
               min_size=1, max_size=40).map(str.encode)
reply = st.tuples(st.booleans(), st.lists(line, max_size=4))
accepted = st.tuples(st.integers(0, 255), st.integers(1, 65535)).map(
    lambda a: ACCEPTED + b"10.0.0.%d:%d" % a)
cuts = st.lists(st.floats(0, 1), max_size=12)


def wire(ok, lines):
    if ok:
        return b"\r\n" + b"".join(x + b"\r\n" for x in lines) + b"OK\r\n> "
    return b"\r\n" + b"\r\n".join(lines + [b"ERROR"]) + b"\r\n> "


@FAST
@given(st.binary(max_size=3000), cuts, st.booleans(), st.sampled_from([0, 1, 64, 1460]))
def test_garbage_never_raises_and_stays_bounded(data, c, busy, arm):
    log = Log()
    log.r.busy, log.r.arm, log.r.tag = busy, arm, 1
    for piece in chunked(data, c):
        log.r.feed(piece)
        bounded(log.r, len(piece))


@FAST
@given(st.binary(max_size=600), cuts, st.sampled_from([0, 1460]))
def test_after_garbage_the_next_commands_reply_is_understood(junk, c, arm):
    log = Log()
    log.r.busy, log.r.arm, log.r.tag = True, arm, 1
    for piece in chunked(junk, c):
        log.r.feed(piece)
    log.r.tag, log.r.arm = 2, 0  # the next command: CS
    log.r.feed(b"\r\n1\r\nOK\r\n> ")
    ok, body = log.replies[-1]
    assert ok and body[-1] == b"1"
    log.r.tag, log.r.arm = 3, 1460  # and an R0 after it
    log.r.feed(b"\r\nhello\r\nOK\r\n> ")
    assert log.replies[-1] == (True, b"hello")


@FAST
@given(st.lists(st.one_of(reply, accepted), max_size=8), cuts)
def test_interleaved_replies_and_accepts_come_out_whole(events, c):
    stream = b"".join(wire(*e) if isinstance(e, tuple) else b"\r\n" + e + b"\r\n> " for e in events)
    log = Log()
    log.r.busy = True  # a command waits throughout: Accepted lines are still async
    for piece in chunked(stream, c):
        log.r.feed(piece)
    want = [e for e in events if isinstance(e, tuple)]
    assert log.replies == [(ok, lines if ok else lines + [b"ERROR"]) for ok, lines in want]
    assert log.asyncs == [e for e in events if not isinstance(e, tuple)]


# Any bytes but the two cases the protocol itself can't tell apart: a payload
# holding the trailer, or one that reads as an error reply.
def _unambiguous(p):
    # What no reader can tell from the module's own lines, not being told the
    # length: the trailer inside the payload, a payload that starts as an
    # error reply, or one that is an Accepted line up to its "\r\n> ".
    if (p + TRAILER).find(TRAILER) != len(p) or p.startswith((b"-1\r\nERROR", b"ERROR")):
        return False
    return not (p.startswith(ACCEPTED) and 0 <= p.find(b"\r\n> ") == p.find(b"\r\n"))


payload = st.binary(max_size=1460).filter(_unambiguous)


@FAST
@given(payload, cuts, st.booleans(), st.binary(max_size=40).filter(lambda j: b"\r" not in j and b"\n" not in j))
@example(data=ACCEPTED, c=[], ahead=False, junk=b"")  # the Accepted words alone, then the trailer
def test_r0_payloads_are_binary_safe(data, c, ahead, junk):
    stream = junk  # a partial line of noise left from before
    if ahead:  # a client accepted just before the reply
        stream += b"\r\n" + ACCEPTED + b"127.0.0.1:5000\r\n> "
    stream += b"\r\n" + data + TRAILER + b"\r\n" + ACCEPTED + b"127.0.0.1:5001\r\n> "
    log = Log()
    log.r.tag, log.r.arm, log.r.busy = 1, 1460, True
    for piece in chunked(stream, c):
        log.r.feed(piece)
        bounded(log.r, len(piece))
    assert log.replies == [(True, data)]
    assert log.asyncs == [ACCEPTED + b"127.0.0.1:5000"] * ahead + [ACCEPTED + b"127.0.0.1:5001"]


@FAST
@given(st.integers(1, 5000), st.sampled_from([b"x", b"\x00", b"> "]))
def test_oversized_lines_and_payloads_are_cut(n, fill):
    log = Log()
    log.r.feed(fill * n)  # no line end at all
    bounded(log.r, 0)
    log.r.tag, log.r.arm = 1, 100  # an R0 of at most 100 bytes that never ends
    log.r.feed(b"\r\n" + b"y" * (100 + len(TRAILER) + SLACK + 1))
    assert log.replies[-1] == (False, [b"garbled"]) and log.r.raw is None
    log.r.tag, log.r.arm = 2, 0
    log.r.feed(b"\r\n0\r\nOK\r\n> ")
    assert log.replies[-1] == (True, [b"0"])


@FAST
@given(st.lists(st.one_of(st.binary(max_size=200), accepted.map(lambda a: b"\r\n" + a + b"\r\n> ")),
                max_size=10))
def test_the_drivers_parse_survives_anything_and_still_accepts(pieces):
    d = EsWifi(QuietLine(), {})
    listener = d.socket(1)
    d._take(listener, 2)  # a multi-accept server on socket 0
    listener.st = LISTENING
    try:
        for p in pieces:
            d.parse(p)
        got = len(listener.clients)
        assert got <= 1  # one client at a time on a socket
        if not got:
            d.parse(b"\r\n" + ACCEPTED + b"127.0.0.1:4242\r\n> ")
            conn, addr = listener.clients[0]
            assert addr == ("127.0.0.1", 4242) and conn.id == listener.id and conn.extra is listener
        d.waiting, d.reply = True, None  # a command in flight gets its reply after all that
        d.at.rd.tag += 1
        d.parse(b"\r\n1\r\nOK\r\n> ")
        ok, body = d.reply  # stray lines before it lead its body; the driver reads the last line
        assert ok and body[-1] == b"1"
    finally:
        # No module answers here: a socket's close (CPython's IOBase finaliser) would wait.
        for s in [listener] + [c for c, _ in listener.clients]:
            s.st = CLOSED


def test_a_non_ascii_digit_in_an_accepted_line_is_refused_not_raised():
    # CPython's str.isdigit takes '\u00b9' and int() then refuses it; on
    # MicroPython isdigit is ASCII only. Either way the line names no client.
    assert ip_or_none("10.0.0.\u00b9") is None and ip_or_none("10.0.0.1") == "10.0.0.1"
    d = EsWifi(QuietLine(), {})
    listener = d.socket(1)
    d._take(listener, 2)
    listener.st = LISTENING
    try:
        d.parse(b"\r\n" + ACCEPTED + b"127.0.0.1:42\xc2\xb9\r\n> ")
        d.parse(b"\r\n" + ACCEPTED + b"127.0.0.\xc2\xb9:42\r\n> ")
        assert listener.clients == []
        d.parse(b"\r\n" + ACCEPTED + b"127.0.0.1:4242\r\n> ")
        assert [addr for _, addr in listener.clients] == [("127.0.0.1", 4242)]
    finally:
        for s in [listener] + [c for c, _ in listener.clients]:
            s.st = CLOSED
