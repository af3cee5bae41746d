# On CPython the u-modules behave as MicroPython's builtins do where an app
# notices (tests/test_cpython_parity.py): the cases that need no board
# process of their own; the app's code, then its assertions verbatim.
from inkit import err


def case_gc_mem_alloc_and_mem_free(r):
    # MicroPython docs, library/gc.html: mem_alloc()/mem_free() count the heap's
    # bytes in use and free; threshold(amount) sets, threshold() reads.
    import gc
    gc.collect()
    a, f = gc.mem_alloc(), gc.mem_free()
    print('ints', type(a).__name__, type(f).__name__, a > 0, f > 0)
    keep = [bytearray(200) for _ in range(500)]
    b = gc.mem_alloc()
    print('grows', b > a, gc.mem_free() < f)
    keep = None
    gc.collect()
    print('shrinks', gc.mem_alloc() < b)
    gc.threshold(gc.mem_free() // 4 + gc.mem_alloc())
    print('threshold', gc.threshold() > 0)
    assert r.code == 0, r
    assert r.value("ints") == "int int True True"
    assert r.value("grows") == "True True"
    assert r.value("shrinks") is True
    assert r.value("threshold") is True


def case_ubinascii_takes_str(r):
    # MicroPython's binascii reads any buffer, str included (docs
    # library/binascii.html; QuecPython apps hexlify str payloads).
    import ubinascii
    print('hex', ubinascii.hexlify('abc'))
    print('sep', ubinascii.hexlify('abc', ':'))
    print('b64', ubinascii.b2a_base64('abc'))
    print('crc', ubinascii.crc32('abc'))
    print('unhex', ubinascii.unhexlify('616263'))
    assert r.code == 0, r
    assert r.value("hex") == b"616263"
    assert r.value("sep") == b"61:62:63"
    assert r.value("b64") == b"YWJj\n"
    assert r.value("crc") == 891568578
    assert r.value("unhex") == b"abc"


def case_ucollections_deque_maxlen_and_flags(r):
    # MicroPython docs, library/collections.html: deque(iterable, maxlen[, flags]);
    # full, it drops the oldest item, or with flags=1 raises IndexError.
    from ucollections import deque
    d = deque((), 2)
    d.append(1); d.append(2); d.append(3)
    print('drops', d.popleft(), d.popleft(), len(d))
    s = deque((), 2, 1)
    s.append(1); s.append(2)
    print('full', err(s.append, 3)[:2])
    print('left', s.popleft(), s.popleft(), err(s.popleft)[0])
    print('nomax', err(deque, ())[0])
    assert r.code == 0, r
    assert r.value("drops") == "2 3 0"
    assert r.value("full") == ("IndexError", "full")
    assert r.value("left") == "1 2 IndexError"
    assert r.value("nomax") == "TypeError"


def case_ustruct_packs_as_micropython(r):
    # MicroPython's struct (docs library/struct.html, "Differences to
    # CPython"; py/binary.c) truncates integers to the field instead of
    # raising, takes str for 's', reads a prefix of a longer buffer, fills
    # missing arguments with zeros and raises ValueError/TypeError.
    import ustruct
    print('wrapH', ustruct.pack('<H', -1))
    print('wrapB', ustruct.pack('B', 263))
    print('wrapi', ustruct.pack('<i', 2**31))
    print('wrapb', ustruct.pack('b', 200))
    print('wrapQ', ustruct.pack('>Q', -2))
    print('str_s', ustruct.pack('<4s', 'ab'))
    print('prefix', ustruct.unpack('<H', b'\x01\x02\x03'))
    print('short', err(ustruct.unpack, '<I', b'\x01')[0])
    print('few', ustruct.pack('<HH', 1))
    print('floatint', err(ustruct.pack, '<i', 1.5)[0])
    print('badcode', err(ustruct.pack, '?', 1)[0])
    b = bytearray(4)
    ustruct.pack_into('<h', b, -2, -1)
    print('into', bytes(b), ustruct.unpack_from('<h', b, -2))
    print('calc', ustruct.calcsize('<hI2s'))
    assert r.code == 0, r
    assert r.value("wrapH") == b"\xff\xff"
    assert r.value("wrapB") == b"\x07"
    assert r.value("wrapi") == b"\x00\x00\x00\x80"
    assert r.value("wrapb") == b"\xc8"
    assert r.value("wrapQ") == b"\xff" * 7 + b"\xfe"
    assert r.value("str_s") == b"ab\x00\x00"
    assert r.value("prefix") == (0x0201,)
    assert r.value("short") == "ValueError"
    assert r.value("few") == b"\x01\x00\x00\x00"
    assert r.value("floatint") == "TypeError"
    assert r.value("badcode") == "ValueError"
    assert r.value("into") == "b'\\x00\\x00\\xff\\xff' (-1,)"
    assert r.value("calc") == 8


def case_queue_takes_the_firmwares_maxsize_keyword(r):
    # tests/test_leniency.py: QuecPython's queue.Queue(maxsize=100), the
    # stub's max_size too (sources in that file's docstring)
    from queue import Queue
    q = Queue(maxsize=2)
    print('put', q.put(1), q.put(2), q.put(3), q.size())
    print('get', q.get(), q.get(), q.empty())
    q = Queue(max_size=1)
    print('stub', q.put('a'), q.put('b'))
    q = Queue(3)
    print('pos', q.put(1), q.put(2), q.put(3), q.put(4))
    assert r.code == 0, r
    assert r.value("put") == "True True False 2"
    assert r.value("get") == "1 2 True"
    assert r.value("stub") == "True False"
    assert r.value("pos") == "True True True False"
