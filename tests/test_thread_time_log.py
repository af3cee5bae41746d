"""QuecPython's _thread extras, utime and log."""


def test_thread_extras(board):
    r = board.run("""
import _thread, utime
print('stack', _thread.stack_size())
print('set', _thread.stack_size(16384), _thread.stack_size())
print('small', err(_thread.stack_size, 4096)[0])
print('heap', _thread.get_heap_size() > 0)
lock = _thread.allocate_lock()
print('lock', lock.acquire(), lock.locked(), lock.release(), lock.locked())
print('dl', _thread.delete_lock(lock))
sem = _thread.allocate_semphore(2)
sem.acquire()
print('cnt', sem.getCnt())
sem.release()
print('cnt2', sem.getCnt())
print('args', err(_thread.start_new_thread, print, [1])[0])
""")
    assert r.code == 0, r
    assert r.value("stack") == 8448
    assert r.out.splitlines()[1] == "set 8448 16384", r
    assert r.value("small") == "ValueError"
    assert r.value("heap") is True
    assert r.out.splitlines()[4] == "lock True True None False", r
    assert r.value("cnt") == (2, 1) and r.value("cnt2") == (2, 2)
    assert r.value("args") == "TypeError"


def test_thread_ids_and_running(board):
    r = board.run("""
import _thread, utime
box = []
gate = _thread.allocate_lock()
gate.acquire()
def worker():
    box.append(_thread.get_ident())
    gate.acquire()
tid = _thread.start_new_thread(worker, ())
print('running', _thread.threadIsRunning(tid))
gate.release()
for i in range(500):
    if not _thread.threadIsRunning(tid):
        break
    utime.sleep_ms(10)
print('ident matches', box == [tid])
print('ended', _thread.threadIsRunning(tid))
print('main', err(_thread.stop_thread, _thread.get_ident()))
print('unknown', err(_thread.stop_thread, 12345)[0])
""")
    assert r.code == 0, r
    assert r.value("running") is True
    assert r.value("ident matches") is True
    assert r.value("ended") is False
    assert r.value("main") == ("ValueError", "Deleting the main thread is not allowed!", "Deleting the main thread is not allowed!")
    assert r.value("unknown") == "ValueError"


def test_stop_thread(board):
    r = board.run("""
import _thread, utime
ticks = []
def sleeper():
    while True:
        ticks.append(1)
        utime.sleep_ms(20)
def self_stop():
    _thread.stop_thread(0)
    print('not reached')
a = _thread.start_new_thread(sleeper, ())
b = _thread.start_new_thread(self_stop, ())
for i in range(1000):  # bounded: wait until the sleeper has run once
    if ticks:
        break
    utime.sleep_ms(5)
print('ran', bool(ticks))
_thread.stop_thread(a)
for i in range(500):
    if not (_thread.threadIsRunning(a) or _thread.threadIsRunning(b)):
        break
    utime.sleep_ms(10)
print('stopped', [_thread.threadIsRunning(a), _thread.threadIsRunning(b)])
""")
    assert r.code == 0, r
    assert r.value("ran") is True
    assert r.value("stopped") == [False, False]
    assert "not reached" not in r.out


def test_utime(board):
    r = board.run("""
import utime
print('tz', utime.getTimeZone())
t = (2020, 9, 29, 8, 54, 42, 1, 273)
print('utc', utime.mktime(t))
print('set', utime.setTimeZone(8), utime.getTimeZone())
print('cn', utime.mktime(t))
print('back', utime.localtime(1601340882))
print('bad', err(utime.setTimeZone, 13)[0])
a = utime.ticks_ms()
utime.sleep_ms(1)
print('ticks', utime.ticks_diff(utime.ticks_ms(), a) >= 0, type(utime.time()).__name__)
print('len', len(utime.localtime()))
""")
    assert r.code == 0, r
    assert r.value("tz") == 0
    assert r.value("utc") == 1601369682
    # the documented example: 2020-09-29 08:54:42 at UTC+8 is 1601340882
    assert r.value("cn") == 1601340882
    assert r.value("back") == (2020, 9, 29, 8, 54, 42, 1, 273)
    assert r.value("bad") == "ValueError"
    assert r.out.splitlines()[6] == "ticks True int", r
    assert r.value("len") == 8


def test_log(board):
    r = board.run("""
import log, usys
log.basicConfig(level=log.INFO)
lg = log.getLogger('app')
log.set_output(usys.stdout)
lg.debug('hidden')
lg.info('value %d', 5)
lg.warning('careful')
lg.error('bad')
lg.critical('worse')
lg.setLevel(log.DEBUG)
lg.debug('shown')
print('same', log.getLogger('app') is lg)
print('out', err(log.set_output, 42)[0])
""")
    assert r.code == 0, r
    assert r.lines == ["INFO:app:value 5", "WARN:app:careful", "ERROR:app:bad", "CRIT:app:worse",
                       "DEBUG:app:shown", "same True", "out Exception"], r


def test_utime_ignores_the_hosts_time_zone(board, monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")  # the board's clock is not the host's
    r = board.run("""
import utime, machine
print('utc', utime.mktime((2020, 9, 29, 8, 54, 42, 1, 273)))
rtc = machine.RTC()
before = utime.time()
rtc.datetime(rtc.datetime())
print('kept', abs(utime.time() - before) <= 1)
print('bad', err(utime.mktime, (2020, 1, 1))[0])
""")
    assert r.code == 0, r
    assert r.value("utc") == 1601369682
    assert r.value("kept") is True
    assert r.value("bad") == "TypeError"
