"""XBee Cellular API frames, byte for byte: the frames of Digi's XBee
Cellular user guide ("Extended Socket example: TCP Listener", the socket
frame reference pages) and more built the same way (checksums included),
encoded and decoded by the driver's codec on the real micropython binary and
on CPython, and replayed against the simulator, which must answer with the
guide's bytes."""

import socket
import time

import pytest

import ptywire
from conftest import Board
from ptywire import PtyWire
from modemkit import simulator
from shim._modems.xbee.codec import Decoder, encode


def h(text):
    return bytes.fromhex(text)


# (frame data, API mode 1 bytes): Digi's examples first, then built ones.
VECTORS = [
    ("40 01 01", "7E 00 03 40 01 01 BD"),
    ("C0 01 00 00", "7E 00 04 C0 01 00 00 3E"),
    ("46 01 00 27 11", "7E 00 05 46 01 00 27 11 80"),
    ("C6 01 00 00", "7E 00 04 C6 01 00 00 38"),
    ("CC 00 01 0A 0A 4A 9D 27 11", "7E 00 09 CC 00 01 0A 0A 4A 9D 27 11 FF"),
    ("CD 00 01 00 48 65 6C 6C 6F 20 58 42 65 65 21 0A",
     "7E 00 10 CD 00 01 00 48 65 6C 6C 6F 20 58 42 65 65 21 0A 8E"),
    ("CF 01 07", "7E 00 03 CF 01 07 28"),
    ("40 01 00", "7E 00 03 40 01 00 BE"),
    ("46 01 00 12 34", "7E 00 05 46 01 00 12 34 72"),
    ("45 01 00 34 2B 79 4D 27 11 00 65 63 68 6F 20 74 68 69 73",
     "7E 00 13 45 01 00 34 2B 79 4D 27 11 00 65 63 68 6F 20 74 68 69 73 E5"),
    ("89 01 00", "7E 00 03 89 01 00 75"),
    ("43 01 00", "7E 00 03 43 01 00 BB"),
    ("C3 01 00 00", "7E 00 04 C3 01 00 00 3B"),
    ("42 01 00 00 50 01 6E 75 6D 62 65 72 73 61 70 69 2E 63 6F 6D",
     "7E 00 14 42 01 00 00 50 01 6E 75 6D 62 65 72 73 61 70 69 2E 63 6F 6D C8"),
    ("C2 01 00 00", "7E 00 04 C2 01 00 00 3C"),
    ("CF 00 00", "7E 00 03 CF 00 00 30"),
    ("CF 00 07", "7E 00 03 CF 00 07 29"),
    ("08 01 4D 59", "7E 00 04 08 01 4D 59 50"),
    ("08 02 41 49", "7E 00 04 08 02 41 49 6B"),
    ("88 02 41 49 00 00", "7E 00 06 88 02 41 49 00 00 EB"),
    ("88 01 4D 59 00 0A 00 00 11", "7E 00 09 88 01 4D 59 00 0A 00 00 11 B5"),
    ("42 02 00 13 11 00 7F 00 00 01", "7E 00 0A 42 02 00 13 11 00 7F 00 00 01 17"),
    ("44 03 00 00 68 69", "7E 00 06 44 03 00 00 68 69 E7"),
    ("43 04 00", "7E 00 03 43 04 00 B8"),
    ("C3 04 00 00", "7E 00 04 C3 04 00 00 38"),
]
# API mode 2: 0x13 and 0x11 in the port escaped, checksum over unescaped data.
ESCAPED = ("42 02 00 13 11 00 7F 00 00 01", "7E 00 0A 42 02 00 7D 33 7D 31 00 7F 00 00 01 17")


@pytest.mark.parametrize("data,wire", VECTORS)
def test_encode_and_decode_on_cpython(data, wire):
    assert encode(h(data)) == h(wire)
    dec = Decoder()
    assert dec.feed(h(wire)) == [h(data)]
    one = [f for b in h(wire) for f in dec.feed(bytes([b]))]  # a byte at a time
    assert one == [h(data)] and dec.bad == 0


def test_escaped_vector_on_cpython():
    data, wire = ESCAPED
    assert encode(h(data), escaped=True) == h(wire)
    assert Decoder(escaped=True).feed(h(wire)) == [h(data)]


def test_vectors_on_micropython(tmp_path):
    board = Board(tmp_path, "micropython")
    cases = VECTORS + [ESCAPED]
    src = "from shim._modems.xbee.codec import encode, Decoder\nimport ubinascii\n"
    src += "cases = %r\n" % [(h(d), h(w), i == len(cases) - 1) for i, (d, w) in enumerate(cases)]
    src += (
        "for d, w, esc in cases:\n"
        "    ok = encode(d, esc) == w and Decoder(esc).feed(w) == [d]\n"
        "    print('OK' if ok else 'BAD ' + ubinascii.hexlify(encode(d, esc)).decode())\n"
    )
    r = board.run(src)
    assert r.code == 0, r
    assert r.lines == ["OK"] * len(cases), r


# -- the simulator answers the guide's frames with the guide's bytes ---------------


class Wire(PtyWire):
    """Frames in hex, as Digi's guide prints them."""

    def __init__(self, sim):
        PtyWire.__init__(self, sim)
        self.read(0.5)  # the boot frames (0x8A 00, 0x8A 02)
        self.buf = b""

    def send(self, hexbytes):
        self.write(h(hexbytes))

    def expect(self, hexbytes, timeout=5):
        return PtyWire.expect(self, h(hexbytes), timeout)

    def frame(self, timeout=5):
        """The next whole frame (mode 1), as bytes."""
        end = time.monotonic() + timeout
        while len(self.buf) < 3 or len(self.buf) < 4 + ((self.buf[1] << 8) | self.buf[2]):
            assert self._fill(end), f"no whole frame: {self.buf.hex(' ')}"
        assert self.buf[0] == 0x7E, self.buf.hex(" ")
        n = 4 + ((self.buf[1] << 8) | self.buf[2])
        f, self.buf = self.buf[:n], self.buf[n:]
        return f


wire = ptywire.fixture(Wire)


def test_guide_tcp_listener_transcript(wire):
    with simulator("xbee") as sim:
        w = wire(sim)
        w.send("7E 00 03 40 01 01 BD")  # Socket Create, TCP
        w.expect("7E 00 04 C0 01 00 00 3E")  # socket 0, success
        w.send("7E 00 05 46 01 00 27 11 80")  # listen on 10001
        w.expect("7E 00 04 C6 01 00 00 38")
        c = socket.create_connection(("127.0.0.1", sim.net.real_port(10001)), timeout=5)
        f = w.frame()
        # 0xCC: listener 0, client 1, then the client's address as the modem sees it.
        ip, port = c.getsockname()
        assert f == encode(b"\xcc\x00\x01" + socket.inet_aton(ip) + port.to_bytes(2, "big"))
        c.sendall(b"Hello XBee!\n")
        w.expect("7E 00 10 CD 00 01 00 48 65 6C 6C 6F 20 58 42 65 65 21 0A 8E")
        c.close()  # "You may close the client socket remotely": status 0x07
        w.expect("7E 00 03 CF 01 07 28")


def test_udp_vectors_and_nothing_leaves_loopback(wire):
    with simulator("xbee") as sim:
        w = wire(sim)
        w.send("7E 00 03 40 01 00 BE")  # Create UDP
        w.expect("7E 00 04 C0 01 00 00 3E")
        w.send("7E 00 05 46 01 00 12 34 72")  # bind 0x1234
        w.expect("7E 00 04 C6 01 00 00 38")
        # SendTo 52.43.121.77:10001: answered as sent, but never leaves the host.
        w.send("7E 00 13 45 01 00 34 2B 79 4D 27 11 00 65 63 68 6F 20 74 68 69 73 E5")
        w.expect("7E 00 03 89 01 00 75")
        w.send("7E 00 03 43 01 00 BB")  # close
        w.expect("7E 00 04 C3 01 00 00 3B")


def test_at_vectors(wire):
    with simulator("xbee", ip="10.0.0.17") as sim:  # only a label: nothing is sent to it
        w = wire(sim)
        w.send("7E 00 04 08 02 41 49 6B")  # ATAI
        w.expect("7E 00 06 88 02 41 49 00 00 EB")
        w.send("7E 00 04 08 01 4D 59 50")  # ATMY
        w.expect("7E 00 09 88 01 4D 59 00 0A 00 00 11 B5")


def test_connect_by_name_fails_dns_in_the_simulated_network(wire):
    with simulator("xbee") as sim:
        w = wire(sim)
        w.send("7E 00 03 40 01 01 BD")
        w.expect("7E 00 04 C0 01 00 00 3E")
        w.send("7E 00 14 42 01 00 00 50 01 6E 75 6D 62 65 72 73 61 70 69 2E 63 6F 6D C8")
        w.expect("7E 00 04 C2 01 00 00 3C")  # connect started
        w.expect(encode(h("CF 00 01")).hex(" "))  # numbersapi.com is not in the hosts map: DNS failure


def test_escaped_connect_vector_in_api_mode_2(wire):
    with simulator("xbee", api_mode=2) as sim:
        w = wire(sim)
        w.send("7E 00 03 40 01 01 BD")
        w.expect("7E 00 04 C0 01 00 00 3E")
        w.send(ESCAPED[1])  # connect socket 0 to 127.0.0.1:4881, escaped
        w.expect("7E 00 04 C2 02 00 00 3B")


def test_bad_checksum_is_dropped_and_the_next_frame_answered(wire):
    with simulator("xbee") as sim:
        w = wire(sim)
        w.send("7E 00 03 40 01 01 BC")  # checksum off by one
        w.send("7E 00 04 08 02 41 49 6B")
        before = w.expect("7E 00 06 88 02 41 49 00 00 EB")
        assert before == b""  # nothing answered the bad frame
