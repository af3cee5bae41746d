"""log takes messages of hundreds of KB. QuecPython's log writes a record's
parts in turn, print(level, ":", self.name, ":", msg, sep="", file=_stream)
(QuecPython/microPython ports/quectel/core/log.py; the same in the firmware's
py/log.py), so the message is never copied into a second, bigger line: on a
board's heap a line built with "%s:%s:%s\\n" needs the message's size twice
over."""

import pytest

BIG = 900_000  # the unix port's 2 MB heap holds it once, not twice


def test_a_message_of_hundreds_of_kb_is_logged(board):
    if board.runtime == "cpython":
        pytest.skip("CPython's heap has no fixed size; the next test checks both runtimes")
    r = board.run("""
import log, gc
msg = 'x' * %d
gc.collect()
log.getLogger('big').info(msg)
print('done', len(msg))
""" % BIG, timeout=60)
    assert r.code == 0, r
    assert r.value("done") == BIG
    assert "INFO:big:" + "x" * BIG + "\n" in r.err


def test_the_message_is_written_as_a_part_of_its_own(board):
    r = board.run("""
import log

class Stream:
    def __init__(self):
        self.parts = []

    def write(self, s):
        self.parts.append(s)
        return len(s)

s = Stream()
log.basicConfig(stream=s)
msg = 'm' * 5000
log.getLogger('app').warning(msg)
log.getLogger('app').error('n=%d', 7)
print('joined', ''.join(s.parts))
print('same', (any(p is msg for p in s.parts), max(len(p) for p in s.parts)))
""")
    assert r.code == 0, r
    assert r.value("joined") == "WARN:app:" + "m" * 5000
    assert "ERROR:app:n=7\n" in r.out
    assert r.value("same") == (True, 5000)  # the caller's own string, not a copy in a longer line
