"""The XBee driver's frame decoder and frame dispatch under hypothesis:
arbitrary, truncated, interleaved and oversized input never raises, never
grows without bound, and a good frame after garbage is still decoded."""

from hypothesis import given, settings, strategies as st

from modemkit import QuietLine
from shim._modems.xbee.codec import MAX_FRAME, Decoder, encode
from shim._modems.xbee.driver import XBee

FRAME = st.binary(min_size=1, max_size=MAX_FRAME)
FAST = settings(max_examples=200, deadline=None)


@FAST
@given(st.binary(max_size=4096), st.booleans())
def test_garbage_never_raises_and_stays_bounded(noise, escaped):
    d = Decoder(escaped)
    for i in range(0, len(noise), 97):
        d.feed(noise[i:i + 97])
        assert len(d.buf) <= MAX_FRAME + 1


@FAST
@given(st.lists(FRAME, min_size=1, max_size=5), st.booleans(), st.integers(1, 64))
def test_frames_round_trip_in_any_chunking(frames, escaped, chunk):
    wire = b"".join(encode(f, escaped) for f in frames)
    d, got = Decoder(escaped), []
    for i in range(0, len(wire), chunk):
        got += d.feed(wire[i:i + chunk])
    assert got == frames and d.bad == 0


@FAST
@given(st.binary(max_size=300), FRAME)
def test_escaped_mode_resyncs_on_the_next_delimiter(noise, frame):
    # In API mode 2 a raw 0x7E can only start a frame: whatever came before,
    # a whole frame after it is decoded.
    d = Decoder(escaped=True)
    got = d.feed(noise) + d.feed(encode(frame, True))
    assert got[-1:] == [frame]


@FAST
@given(st.binary(max_size=300).filter(lambda b: 0x7E not in b), FRAME)
def test_mode_1_resyncs_after_noise_without_a_delimiter(noise, frame):
    d = Decoder()
    assert d.feed(noise + encode(frame)) == [frame]


@FAST
@given(FRAME, st.integers(0, 40), st.booleans())
def test_a_truncated_frame_then_a_good_one(frame, cut, escaped):
    wire = encode(frame, escaped)
    good = encode(b"\x89\x01\x00", escaped)
    d = Decoder(escaped)
    got = d.feed(wire[: max(1, len(wire) - 1 - cut)]) + d.feed(good)
    if escaped:
        assert got[-1:] == [b"\x89\x01\x00"]  # the cut frame is dropped at the new delimiter
    else:
        # Mode 1 trusts the length: the cut frame swallows what follows until
        # its checksum fails, then the swallowed bytes are searched again.
        got += d.feed(good * (MAX_FRAME // len(good) + 2))
        assert got.count(b"\x89\x01\x00") >= MAX_FRAME // len(good)


@FAST
@given(st.integers(MAX_FRAME + 1, 0xFFFF))
def test_an_oversized_length_is_refused_not_buffered(n):
    d = Decoder()
    assert d.feed(bytes((0x7E, n >> 8, n & 0xFF)) + bytes(2000)) == []
    assert d.bad >= 1 and len(d.buf) == 0  # (a 0x7E in the length itself is searched again)


@FAST
@given(st.lists(st.binary(min_size=1, max_size=40), max_size=30))
def test_the_driver_takes_any_frame_contents(frames):
    # Frame types it knows with short or odd fields, types it doesn't:
    # dispatch never raises and the socket table stays sane.
    drv = XBee(QuietLine(), {"command_timeout_ms": 20})
    s = drv.socket(1)
    drv.own(s, 0)
    wire = b"".join(encode(bytes([(0xC0 + f[0] % 16) if f[0] & 1 else f[0]]) + f[1:]) for f in frames)
    drv.parse(wire)
    assert all(k == v.id for k, v in drv.socks.items())
