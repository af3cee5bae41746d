"""The WIP driver's reader fed malformed, truncated, interleaved and
oversized modem output directly (CPython, a fake line): it never raises,
never grows without bound, and a well-formed reply after garbage is still
understood; mapped data comes through whole however it is cut. And its
DLE/ETX codec's vectors, on CPython and on the micropython unix port."""

from hypothesis import given, settings, strategies as st

from conftest import Board

from modemkit import QuietLine
from shim._modems.core import CLOSED, CONNECTED
from shim._modems.wip.driver import Wip
from shim._modems.wip.codec import DGRAMS, LINES, MAX_DGRAM, MAX_LINE, STREAM, Stream, escape, sid

FAST = settings(max_examples=200, deadline=None)


def driver():
    return Wip(QuietLine(), {"guard_ms": 50})


# What a WIP modem says, whole and in pieces: the grammar's words, for
# garbage that looks like the real thing.
LINES_ = [b"OK", b"ERROR", b"CONNECT", b"+CME ERROR: 843", b"+CME ERROR: 831", b"+CME ERROR: x",
          b"+WIPREADY: 2,1", b"+WIPREADY: 1,", b'+WIPDATA: 1,1,5,"127.0.0.1",9', b"+WIPDATA: 2,1,12",
          b"+WIPDATA: 2,1,", b"+WIPACCEPT: 1,5", b"+WIPACCEPT: 9,99", b"+WIPPEERCLOSE: 2,1",
          b"+WIPERROR: 2,1,843", b"+WIPERROR: 2,1,zz", b'+WIPBR: 6,15,"1.2.3.4"', b"+WIPBR: 6,0",
          b"+WIPBR: ,", b"+WIND: 4", b"+WIPCREATE: 2,1,80,\"1.2.3.4\",7", b"AT+WIPDATA=2,1,1", b"\xff\xfe\x80"]
piece = st.one_of(
    st.binary(max_size=64),
    st.sampled_from(LINES_).map(lambda ln: b"\r\n" + ln + b"\r\n"),
    st.sampled_from(LINES_).map(lambda ln: ln[: len(ln) // 2]),  # truncated
    st.sampled_from([b"\x03", b"\x10", b"\r", b"\n", b"\r\n"]),
)
garbage = st.lists(piece, max_size=40).map(b"".join)


def chunks(data, cuts):
    """data cut at the given points (as a UART read may cut it)."""
    points = sorted({c % (len(data) + 1) for c in cuts})
    out, last = [], 0
    for p in points + [len(data)]:
        out.append(data[last:p])
        last = p
    return out


def bounded(d):
    assert len(d.uart.rd.buf) <= max(MAX_LINE, MAX_DGRAM)
    assert len(d.uart.info) <= 64 and len(d.creates) <= 64


@FAST
@given(garbage, st.lists(st.integers(min_value=0), max_size=8))
def test_garbage_never_raises_and_a_reply_after_it_is_understood(data, cuts):
    d = driver()
    for c in chunks(data + b"\r\n", cuts):  # the line end: a tail left open would join the reply's line
        d.parse(c)
        bounded(d)
    assert d.uart.rd.mode == LINES  # nobody asked for a CONNECT: no garbage enters data mode
    d.reply, d.waiting = None, True  # a command now in flight
    d.parse(b"\r\nOK\r\n")
    assert d.reply == b"OK"


@FAST
@given(st.lists(st.sampled_from([ln for ln in LINES_ if ln not in (b"OK", b"ERROR", b"CONNECT")
                                 and not ln.startswith(b"+CME")]), max_size=12),
       st.integers(min_value=0, max_value=12))
def test_urcs_around_a_reply_do_not_take_its_place(urcs, at):
    d = driver()
    d.reply, d.waiting = None, True
    lines = urcs[:at] + [b'+WIPBR: 6,15,"10.0.0.2"', b"OK"] + urcs[at:]
    d.uart.collect = b"+WIPBR:"
    d.parse(b"".join(b"\r\n" + ln + b"\r\n" for ln in lines))
    assert d.reply == b"OK"
    assert b'+WIPBR: 6,15,"10.0.0.2"' in d.uart.info


@FAST
@given(st.integers(min_value=1, max_value=20000), st.binary(max_size=8))
def test_an_oversized_line_is_cut_and_the_next_one_read(n, tail):
    d = driver()
    d.parse(b"+WIPDATA: " + b"9" * n + tail.replace(b"\r", b"").replace(b"\n", b""))
    bounded(d)
    d.reply, d.waiting = None, True
    d.parse(b"\r\nOK\r\n")
    assert d.reply == b"OK"


def test_a_non_ascii_digit_in_a_urc_field_is_refused_not_raised():
    # CPython's str.isdigit takes '\u00b9' and int() then refuses it; on
    # MicroPython isdigit is ASCII only. Either way the field is garbage.
    d = driver()
    s = d.socket(1)
    s.st = CONNECTED
    d.own(s, sid(2, 1))
    d.parse(b"\r\n+WIPDATA: 2,1,\xc2\xb9\r\n")
    assert s.pending == 1  # a count it cannot read: some data, as for an empty one
    d.parse(b"\r\n+WIPERROR: 2,1,\xc2\xb9\r\n")
    assert s.err == 5  # as for +WIPERROR: 2,1,zz
    d.reply, d.waiting = None, True
    d.parse(b"\r\nOK\r\n")
    assert d.reply == b"OK"
    s.st = CLOSED  # no modem answers here: the finaliser's close must not wait


def mapped(d, proto):
    """d with a socket of `proto` owned and the UART mapped to it."""
    s = d.socket(1 if proto == 2 else 2)
    s.st = CONNECTED
    id = sid(proto, 1)
    d.own(s, id)
    if proto == 1:
        s.extra.udp[1] = ("10.0.0.9", 7)
    d.uart.mapping = id
    d.reply, d.waiting = None, True
    d.parse(b"\r\nCONNECT\r\n")
    d.waiting, d.uart.mapping = False, None
    assert d.uart.cur == id and d.uart.rd.mode == (STREAM if proto == 2 else DGRAMS)
    return s


@FAST
@given(st.binary(max_size=3000), st.lists(st.integers(min_value=0), max_size=10))
def test_tcp_data_comes_through_whole_and_the_session_end_is_seen(payload, cuts):
    d = driver()
    s = mapped(d, 2)
    for c in chunks(escape(payload) + b"\x03\r\n+CME ERROR: 843\r\n", cuts):
        d.parse(c)
    assert b"".join(bytes(c) for c in s.rx) == payload
    assert d.uart.cur is None and d.uart.after is None and d.uart.rd.mode == LINES
    assert s.err == 104  # the reset's reason line ended it


@FAST
@given(st.lists(st.binary(min_size=1, max_size=300), max_size=8), st.lists(st.integers(min_value=0), max_size=10))
def test_datagrams_come_through_whole_and_an_empty_one_ends_the_session(dgrams, cuts):
    d = driver()
    s = mapped(d, 1)
    wire = b"".join(escape(g) + b"\x03" for g in dgrams) + b"\x03\r\nOK\r\n"
    for c in chunks(wire, cuts):
        d.parse(c)
    assert [g for g, _ in s.dgrams] == dgrams
    assert all(a == ("10.0.0.9", 7) for _, a in s.dgrams)
    assert d.uart.cur is None and d.uart.after is None and not s.err


@FAST
@given(st.binary(max_size=2 * MAX_DGRAM), garbage)
def test_mapped_garbage_never_raises_and_stays_bounded(data, more):
    d = driver()
    mapped(d, 1)
    d.parse(data.replace(b"\x03", b""))  # no ETX: one endless datagram, cut at MAX_DGRAM
    bounded(d)
    d.parse(more)
    bounded(d)
    d.parse(b"\x10\x00\x03\x03\r\nOK\r\n")  # whatever state it was in, the session can end
    assert d.uart.cur is None and d.uart.rd.mode == LINES
    d.reply, d.waiting = None, True
    d.parse(b"\r\nOK\r\n")
    assert d.reply == b"OK"


# -- the driver's codec, on both interpreters ----------------------------------------------

CODEC = [(b"", b""), (b"plain text", b"plain text"), (b"\x03", b"\x10\x03"), (b"\x10", b"\x10\x10"),
         (b"a\x10\x03b\x03\x10", b"a\x10\x10\x10\x03b\x10\x03\x10\x10")]


def _stream_events(data, mode):
    ev = []
    st = Stream(lambda ln: ev.append(("line", ln)), lambda d: ev.append(("data", d)),
                lambda d: ev.append(("dgram", d)), lambda: ev.append(("end",)))

    def connect(ln):
        ev.append(("line", ln))
        if ln == b"CONNECT":
            st.mode = mode

    st.on_line = connect
    for b in data:
        st.feed(bytes([b]))  # a byte at a time: every boundary is a chunk boundary
    return ev


def test_codec_on_cpython():
    for raw, wire_ in CODEC:
        assert escape(raw) == wire_
    ev = _stream_events(b"\r\nCONNECT\r\nab\x10\x03c\x03\r\nOK\r\n", STREAM)
    merged = b"".join(e[1] for e in ev if e[0] == "data")
    assert [e for e in ev if e[0] != "data"] == [("line", b"CONNECT"), ("end",), ("line", b"OK")]
    assert merged == b"ab\x03c"
    ev = _stream_events(b"\r\nCONNECT\r\n\n\x10\x10\x03x\x03\x03\r\nOK\r\n", DGRAMS)
    assert ev == [("line", b"CONNECT"), ("dgram", b"\n\x10"), ("dgram", b"x"), ("end",), ("line", b"OK")]


def test_codec_on_micropython(tmp_path):
    board = Board(tmp_path, "micropython")
    src = (
        "from shim._modems.wip.codec import escape, Stream, DGRAMS\n"
        "cases = %r\n"
        "print(all(escape(a) == b for a, b in cases))\n"
        "ev = []\n"
        "st = Stream(None, None, lambda d: ev.append(d), lambda: ev.append('end'))\n"
        "def line(ln):\n"
        "    ev.append(ln)\n"
        "    if ln == b'CONNECT':\n"
        "        st.mode = DGRAMS\n"
        "st.on_line = line\n"
        "st.feed(b'\\r\\nCONNECT\\r\\na\\x10\\x03\\x03\\x03\\r\\nOK\\r\\n')\n"
        "print(ev)\n"
    ) % (CODEC,)
    r = board.run(src)
    assert r.code == 0, r
    assert r.lines == ["True", "[b'CONNECT', b'a\\x03', 'end', b'OK']"], r
