"""What an idle connection costs the board (issue 16): a usocket is seven
attributes and its Guard, and no function a blocked data call waits in puts
its frame on the heap (MicroPython does that for a frame of more than 11
words, e.g. any `except ... as e`, and keeps it for as long as the call
blocks). tests/board/socket_frames.py measures from inside the native call,
on micropython; `make bench` measures whole connections (bench/README.md)."""

import subprocess

import pytest

from qpyshim import paths
from qpyshim.runner import interpreter

SCRIPT = paths.ROOT / "tests" / "board" / "socket_frames.py"
SOCKET_MAX = 288  # bytes on a 64-bit build: instance + 8-slot map, Guard, peer tuple, registry slot


@pytest.fixture(scope="module")
def got():
    p = subprocess.run([interpreter("micropython"), str(SCRIPT), str(paths.ROOT)],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr
    return {k: int(v) for k, v in (line.split() for line in p.stdout.splitlines())}


@pytest.mark.parametrize("call", ["readinto", "readinto_n", "recv", "read", "readline", "send", "write",
                                  "timed_readinto", "timed_recv"])
def test_a_data_call_holds_no_heap_while_it_waits(got, call):
    # readinto(buf, n) reads into a view of buf (two memoryviews); the timed
    # recv hands its wait the native recv (a bound method)
    assert got[call] <= got["native"] + {"readinto_n": 64, "timed_recv": 32}.get(call, 0), (
        f"{call}: {got[call] - got['native']} bytes on the heap inside the native call "
        f"(a frame of over 11 words: keep the functions on the way small, see sockcalls.Guard)")


def test_the_timed_calls_waited_in_poll(got):
    assert got["timed_waited"] >= 2  # else the timed tests above measured nothing


def test_a_socket_is_small(got):
    assert 0 < got["socket"] <= SOCKET_MAX, f"a usocket costs {got['socket']} bytes"
