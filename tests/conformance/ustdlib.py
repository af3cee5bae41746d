"""The MicroPython u-modules QuecPython apps import (usys, gc, ubinascii,
ucollections, ustruct, ujson, uhashlib, uio, ure, urandom): on CPython the
board provides them, and they must answer as MicroPython's do
(usys.print_exception in 8 of 31 sampled apps)."""
from conformance._kit import R, Raises

DS = "DOC API_reference/en/stdlib"
M = "MPY docs/library"

# Run as an app of its own, not in-process (tests/test_conformance.py):
OWN_PROCESS = 'print_exception without a file writes to the real stdout (MicroPython), which a case cannot capture'

PRELUDE = r'''
import usys, gc, ubinascii, ucollections, ustruct, ujson, uhashlib, uio, ure, urandom


def boom():
    try:
        raise ValueError('boom')
    except ValueError as e:
        return {'e': e}


def traced():
    d = boom()
    buf = uio.StringIO()
    usys.print_exception(d['e'], buf)
    return {'text': buf.getvalue()}


# one traceback on stdout, for check_transcript (guarded: the rows still run
# where print_exception is missing)
try:
    usys.print_exception(boom()['e'])
except Exception as e:
    print('print_exception failed:', repr(e))
'''

ROWS = [
    R("traced", "text.startswith('Traceback (most recent call last):')", True, DS + "/usys.md print_exception(exc, file)"),
    R("traced", "text.rstrip().endswith('ValueError: boom')", True, DS + "/usys.md print_exception: the exception's line last"),
    R(None, "usys.print_exception(ValueError('x'), uio.StringIO())", None, DS + "/usys.md print_exception returns None"),
    R(None, "usys.byteorder", "little", DS + "/usys.md byteorder"),
    R(None, "type(usys.maxsize).__name__", "int", DS + "/usys.md maxsize"),
    R(None, "(usys.stdout.write('w\\n') or 0) >= 0", True, DS + "/usys.md stdout"),
    R(None, "[gc.collect()] and 'collected'", "collected", DS + "/gc.md collect"),
    R(None, "gc.mem_free() > 0", True, DS + "/gc.md mem_free -> bytes"),
    R(None, "gc.mem_alloc() > 0", True, DS + "/gc.md mem_alloc -> bytes"),
    R(None, "(gc.enable(), gc.isenabled())", (None, True), DS + "/gc.md enable/isenabled"),
    R(None, "ubinascii.hexlify(b'\\x01\\xab')", b"01ab", DS + "/ubinascii.md hexlify"),
    R(None, "ubinascii.hexlify(b'\\x01\\xab', '-')", b"01-ab", DS + "/ubinascii.md hexlify(data, sep)"),
    R(None, "ubinascii.hexlify('ab')", b"6162", M + "/binascii.rst hexlify takes any buffer, str included"),
    R(None, "ubinascii.unhexlify('01ab')", b"\x01\xab", DS + "/ubinascii.md unhexlify"),
    R(None, "ubinascii.b2a_base64(b'abc')", b"YWJj\n", DS + "/ubinascii.md b2a_base64 (newline at the end)"),
    R(None, "ubinascii.a2b_base64('YWJj')", b"abc", DS + "/ubinascii.md a2b_base64"),
    R(None, "ubinascii.crc32(b'abc')", 0x352441C2, M + "/binascii.rst crc32"),
    R(None, "(lambda d: (d.append(1), d.append(2), d.popleft(), len(d)))(ucollections.deque((), 5))", (None, None, 1, 1),
      DS + "/ucollections.md deque(iterable, maxlen): append, popleft"),
    R(None, "(lambda d: [d.append(i) for i in range(4)] and list(d))(ucollections.deque((), 2))", [2, 3],
      DS + "/ucollections.md deque: past maxlen the oldest items go"),
    R(None, "(lambda d: (d.append(1), d.append(2), d.append(3)))(ucollections.deque((), 2, 1))", Raises("IndexError"),
      DS + "/ucollections.md deque(iterable, maxlen, flags=1): overflow raises IndexError"),
    R(None, "ucollections.deque((), 3).popleft()", Raises("IndexError"), DS + "/ucollections.md popleft of an empty deque"),
    R(None, "ucollections.namedtuple('P', ('x', 'y'))(1, 2).y", 2, DS + "/ucollections.md namedtuple"),
    R(None, "list(ucollections.OrderedDict([('b', 1), ('a', 2)]).keys())", ["b", "a"], DS + "/ucollections.md OrderedDict keeps order"),
    R(None, "ustruct.pack('<HI', 1, 2)", b"\x01\x00\x02\x00\x00\x00", DS + "/ustruct.md pack"),
    R(None, "ustruct.pack('>h', -2)", b"\xff\xfe", DS + "/ustruct.md pack big-endian"),
    R(None, "ustruct.unpack('<HI', b'\\x01\\x00\\x02\\x00\\x00\\x00')", (1, 2), DS + "/ustruct.md unpack -> tuple"),
    R(None, "ustruct.calcsize('<HIB')", 7, DS + "/ustruct.md calcsize"),
    R(None, "ustruct.unpack_from('<H', b'\\x00\\x01\\x02', 1)", (513,), DS + "/ustruct.md unpack_from(fmt, data, offset)"),
    R(None, "(lambda b: (ustruct.pack_into('<H', b, 1, 258), bytes(b)))(bytearray(4))", (None, b"\x00\x02\x01\x00"),
      DS + "/ustruct.md pack_into"),
    R(None, "ujson.dumps({'a': 1})", '{"a": 1}', DS + "/ujson.md dumps"),
    R(None, "ujson.dumps([1, 'x', None, True])", '[1, "x", null, true]', DS + "/ujson.md dumps"),
    R(None, "ujson.loads('{\"a\": [1, 2.5, null]}')", {"a": [1, 2.5, None]}, DS + "/ujson.md loads"),
    R(None, "ujson.loads('{bad')", Raises("ValueError"), DS + "/ujson.md loads: malformed JSON raises ValueError"),
    R(None, "ubinascii.hexlify(uhashlib.sha256(b'abc').digest())[:16]", b"ba7816bf8f01cfea", DS + "/uhashlib.md sha256"),
    R(None, "ubinascii.hexlify(uhashlib.sha1(b'abc').digest())[:16]", b"a9993e364706816a", DS + "/uhashlib.md sha1"),
    R(None, "(lambda b: (b.write(b'ab'), b.getvalue()))(uio.BytesIO())", (2, b"ab"), DS + "/uio.md BytesIO"),
    R(None, "ure.match('a+', 'aaab').group(0)", "aaa", DS + "/ure.md match"),
    R(None, "ure.search('[0-9]+', 'ab123c').group(0)", "123", DS + "/ure.md search"),
    R(None, "urandom.randint(3, 3)", 3, DS + "/urandom.md randint(a, b)"),
    R(None, "0 <= urandom.getrandbits(8) < 256", True, DS + "/urandom.md getrandbits"),
    R(None, "urandom.choice([7])", 7, DS + "/urandom.md choice"),
]


def check_transcript(r, rt):
    # print_exception without a file writes to stdout (MicroPython's default)
    assert "ValueError: boom" in r.out, r
