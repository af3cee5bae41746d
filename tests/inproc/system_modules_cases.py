# QuecPython's system modules, the cases that need no board process of their
# own (tests/test_system_modules.py): each is the app the subprocess test ran,
# then its assertions verbatim; `r` is its transcript.
from inkit import err


def case_ostimer_queue_sys_bus(r):
    import osTimer, queue, sys_bus, _thread
    q = queue.Queue(2)
    print('isclass', type(osTimer).__name__, callable(osTimer))
    t = osTimer()
    print('start', t.start(20, 0, lambda arg: q.put(('once', arg))))
    print('fired', q.get())
    n = [0]
    def tick(arg):
        n[0] += 1
        if n[0] == 3:
            print('stop', t.stop())
            q.put('three')
    t.start(10, 1, tick)
    print('periodic', q.get())
    print('badtime', err(t.start, -1, 0, print)[0])
    print('full', q.put(1), q.put(2), q.put(3), q.size(), q.empty())
    print('fifo', q.get(), q.get(), q.empty())
    got = queue.Queue()
    def h(topic, msg):
        got.put((topic, msg, _thread.get_ident() != main))
    main = _thread.get_ident()
    sys_bus.subscribe('temp', h)
    sys_bus.subscribe('temp', h)
    sys_bus.publish('temp', 21)
    print('async', sorted([got.get(), got.get()]))
    sys_bus.publish_sync('temp', 22)
    print('sync', got.get(), got.get())
    print('table', list(sys_bus.sub_table().keys()), len(sys_bus.sub_table('temp')))
    print('unsub', sys_bus.unsubscribe('temp', h), sys_bus.unsubscribe('temp', print), sys_bus.unsubscribe('temp'))
    print('unknown', err(sys_bus.unsubscribe, 'nope')[0])
    assert r.code == 0, r
    assert r.value("isclass") == "type True"
    assert r.value("start") == 0
    assert r.value("fired") == ("once", None)
    assert r.value("stop") == 0
    assert r.value("periodic") == "three"
    assert r.value("badtime") == "ValueError"
    assert r.value("full") == "True True False 2 False"
    assert r.value("fifo") == "1 2 True"
    assert r.value("async") == [("temp", 21, True), ("temp", 21, True)]
    assert r.value("sync") == "('temp', 22, False) ('temp', 22, False)"
    assert r.value("table") == "['temp'] 2"
    assert r.value("unsub") == "True False True"
    assert r.value("unknown") == "KeyError"


def case_ql_fs(r):
    import ql_fs, uos
    print('touch', ql_fs.touch('/usr/cfg/a/b.json', {'k': [1, 2]}))
    print('read', ql_fs.read_json('/usr/cfg/a/b.json'))
    print('exists', ql_fs.path_exists('/usr/cfg/a'), ql_fs.path_exists('/usr/nope'), ql_fs.path_exists(''))
    print('dirname', ql_fs.path_dirname('/usr/cfg/a/b.json'), ql_fs.path_dirname('/x'), repr(ql_fs.path_dirname('x')))
    print('size', ql_fs.path_getsize('/usr/cfg/a/b.json'))
    e = err(ql_fs.path_getsize, '/usr/nope')
    print('nosize', e[0], e[2])
    print('missing', ql_fs.read_json('/usr/none.json'))
    print('copy', ql_fs.file_copy('/usr/c.json', '/usr/cfg/a/b.json'), ql_fs.read_json('/usr/c.json'))
    print('nocopy', ql_fs.file_copy('/usr/d.json', '/usr/nope'))
    with open('/usr/bad.json', 'w') as f:
        f.write('{oops')
    try:
        ql_fs.read_json('/usr/bad.json')
    except ValueError:
        print('bad', 'ValueError')
    ql_fs.mkdirs('/usr/m/n/o')
    print('mkdirs', ql_fs.path_exists('/usr/m/n/o'))
    ql_fs.rmdirs('/usr/cfg')
    print('rmdirs', ql_fs.path_exists('/usr/cfg'))
    print('write_json', ql_fs.write_json('/usr/w.json', 'text'), open('/usr/w.json').read())
    assert r.code == 0, r
    assert r.value("touch") == 0
    assert r.value("read") == {"k": [1, 2]}
    assert r.value("exists") == "True False False"
    assert r.value("dirname") == "/usr/cfg/a / ''"
    assert r.value("size") == len('{"k": [1, 2]}')
    assert r.value("nosize") == "FileNotFoundError can not find: '/usr/nope'"
    assert r.value("missing") is None
    assert r.value("copy") == "True {'k': [1, 2]}"
    assert r.value("nocopy") is False
    assert r.value("bad") == "ValueError"
    assert r.value("mkdirs") is True
    assert r.value("rmdirs") is False
    assert r.value("write_json") == '0 "text"'


def case_watchdog_needs_a_period_first(r):
    from machine import WDT
    print('noperiod', err(WDT))
    assert r.code == 0, r
    assert r.value("noperiod")[:2] == ("ValueError", "WDT needs a period (seconds) the first time")
