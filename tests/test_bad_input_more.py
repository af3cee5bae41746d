"""Issue 14: no input crashes the interpreter, and nothing wrong is accepted
silently. Time conversions, sizes, timer lengths, paths, log settings and
every callback registration get the exception QuecPython raises, or a clear
one where the module is silent (or would itself crash), on both runtimes.

Sources: QuecPython/micropython v1.0.0 ports/quectel/modutime.c (localtime
and mktime read their numbers with mp_obj_get_int: a float is TypeError, an
int past the 32-bit word OverflowError), ports/quectel/modostimer.c (the
timer length is a machine word), extmod's time_sleep_ms (a negative wait is
skipped); QuecPython docs API_reference/en/iotlib/net.md, sim.md, dataCall.md,
sys_bus.md, umqtt.md (callbacks are functions; None unregisters where the
doc says so). Where the module is silent the choice is the shim's and is a
row of the choices table in shim/README.md.

All calls run in one app per runtime, in-process on a fresh board
(tests/inproc/host.py app_result); the tests only read the transcripts."""

import json

import pytest

from conftest import PRELUDE

# (call, expected): an exception name, ("OSError", errno), or ("=", value).
CASES = [
    # utime.localtime: a float is TypeError on the module; past years 1-9999
    # the unix port's gmtime segfaults and CPython's raises OSError
    ("utime.localtime(1e20)", "TypeError"),
    ("utime.localtime(float('nan'))", "TypeError"),
    ("utime.localtime(float('inf'))", "TypeError"),
    ("utime.localtime(-1e20)", "TypeError"),
    ("utime.localtime(1.5)", "TypeError"),
    ("utime.localtime('0')", "TypeError"),
    ("utime.localtime([])", "TypeError"),
    ("utime.localtime(2**70)", "OverflowError"),
    ("utime.localtime(10**17)", "OverflowError"),
    ("utime.localtime(-2**70)", "OverflowError"),
    ("utime.localtime(-10**12)", "OverflowError"),
    ("utime.localtime(253402300800)", "OverflowError"),
    ("utime.localtime(-62135596801)", "OverflowError"),
    ("utime.localtime(253402300799)", ("=", "(9999, 12, 31, 23, 59, 59, 4, 365)")),
    ("utime.localtime(-62135596800)[:3]", ("=", "(1, 1, 1)")),
    # utime.mktime: each field through mp_obj_get_int
    ("utime.mktime(None)", "TypeError"),
    ("utime.mktime(5)", "TypeError"),
    ("utime.mktime((2024, 1, 1))", "TypeError"),
    ("utime.mktime((2024, 1, 1, 0, 0, 0.5, 0, 0))", "TypeError"),
    ("utime.mktime(('2024', 1, 1, 0, 0, 0, 0, 0))", "TypeError"),
    ("utime.mktime((2024, None, 1, 0, 0, 0, 0, 0))", "TypeError"),
    ("utime.mktime((2**40, 1, 1, 0, 0, 0, 0, 0))", "OverflowError"),
    ("utime.mktime((2024, 1, 1, 0, 0, -2**40, 0, 0))", "OverflowError"),
    ("utime.mktime((1e20, 1, 1, 0, 0, 0, 0, 0))", "TypeError"),
    # sleeps: a negative or NaN second count is refused on both runtimes (the
    # unix port says EINVAL, CPython ValueError, the module waits for years);
    # sleep_ms/us skip a negative wait, as MicroPython's do
    ("utime.sleep(-1)", "ValueError"),
    ("utime.sleep(-0.5)", "ValueError"),
    ("utime.sleep(float('nan'))", "ValueError"),
    ("utime.sleep('1')", "TypeError"),
    ("utime.sleep(None)", "TypeError"),
    ("utime.sleep_ms(-5)", ("=", None)),
    ("utime.sleep_us(-5)", ("=", None)),
    ("utime.sleep_ms('5')", "TypeError"),
    ("utime.sleep_us(None)", "TypeError"),
    ("utime.ticks_add(0, 2**40)", "OverflowError"),
    ("utime.ticks_diff('a', 1)", "TypeError"),
    ("utime.setTimeZone(13)", "ValueError"),
    ("utime.setTimeZone(None)", "ValueError"),
    ("utime.setTimeZone(2**40)", "ValueError"),
    # callbacks: TypeError at registration in every module that takes one;
    # None unregisters where the module has an "unregister"
    ("net.setCallback(5)", "TypeError"),
    ("net.setCallback('f')", "TypeError"),
    ("net.setCallback([print])", "TypeError"),
    ("net.setCallback(None)", ("=", 0)),
    ("sim.setCallback(5)", "TypeError"),
    ("sim.setCallback({})", "TypeError"),
    ("sim.setCallback(None)", ("=", 0)),
    ("sim.setSwitchcardCallback(5)", "TypeError"),
    ("sim.setSwitchcardCallback(None)", ("=", 0)),
    ("dataCall.setCallback(b'f')", "TypeError"),
    ("dataCall.setCallback(None)", ("=", 0)),
    ("sys_bus.subscribe('bad/topic', 5)", "TypeError"),
    ("sys_bus.subscribe('bad/topic', None)", "TypeError"),
    ("sys_bus.subscribe('bad/topic', 'f')", "TypeError"),
    ("'bad/topic' in sys_bus.sub_table()", ("=", False)),  # nothing half-registered
    ("umqtt.MQTTClient('c', '127.0.0.1').set_callback(5)", "TypeError"),
    ("umqtt.MQTTClient('c', '127.0.0.1').set_callback(None)", "TypeError"),
    ("umqtt.MQTTClient('c', '127.0.0.1').error_register_cb(5)", "TypeError"),
    ("umqtt.MQTTClient('c', '127.0.0.1').error_register_cb(None)", ("=", None)),
    ("osTimer().start(10, 0, 5)", "TypeError"),
    ("osTimer().start(10, 1, 'f')", "TypeError"),
    ("machine.ExtInt(2, 0, 0, 5)", "ValueError"),
    ("machine.Timer(2).start(period=10, mode=1, callback=5)", "ValueError"),
    ("machine.Timer(2).start(period=2**31, mode=1, callback=print)", "OverflowError"),  # the module counts ms in 32 bits
    ("machine.WDT(2**31)", "OverflowError"),
    ("machine.RTC().register_callback(5)", ("=", -1)),
    ("_thread.start_new_thread(5, ())", "TypeError"),
    # timer lengths: the module reads them into its 32-bit word
    ("osTimer().start(2**31, 0, print)", "OverflowError"),
    ("osTimer().start(2**70, 0, print)", "OverflowError"),
    ("osTimer().start(-1, 0, print)", "ValueError"),
    ("osTimer().start(1.5, 0, print)", "ValueError"),
    ("osTimer().start(None, 0, print)", "ValueError"),
    ("osTimer().start(10, 5, print)", "ValueError"),
    ("long_timer()", ("=", "short first")),
    # log: a setting every later call relies on is checked when it is set
    ("log.basicConfig(stream=5)", "TypeError"),
    ("log.basicConfig(stream='stderr')", "TypeError"),
    ("log.basicConfig(filename=5)", "TypeError"),
    ("log.basicConfig(level='DEBUG')", "TypeError"),
    ("log.basicConfig(level=None)", "TypeError"),
    ("log.getLogger('bad').setLevel('x')", "TypeError"),
    ("log.getLogger('bad').setLevel(1.5)", "TypeError"),
    ("log.getLogger('after').error('still logs')", ("=", None)),
    # ql_fs: paths are str (an int is a file descriptor to CPython's open)
    # and hold no NUL (C would cut the name short)
    ("ql_fs.path_exists(5)", "TypeError"),
    ("ql_fs.path_exists(b'/usr')", "TypeError"),
    ("ql_fs.path_exists('/usr\\x00')", ("=", False)),
    ("ql_fs.path_getsize(5)", "TypeError"),
    ("ql_fs.path_getsize('/usr/a\\x00')", "ValueError"),
    ("ql_fs.path_dirname(5)", "TypeError"),
    ("ql_fs.mkdirs(5)", "TypeError"),
    ("ql_fs.mkdirs('/usr/a\\x00b')", "ValueError"),
    ("ql_fs.rmdirs(5)", "TypeError"),
    ("ql_fs.touch(5, {})", "TypeError"),
    ("ql_fs.touch('/usr/x\\x00y.json', {})", "ValueError"),
    ("ql_fs.write_json(3, {})", "TypeError"),
    ("ql_fs.read_json(5)", "TypeError"),
    ("ql_fs.file_copy(5, '/usr/none')", "TypeError"),
    ("ql_fs.file_copy('/usr/c\\x00d', '/usr/none')", "ValueError"),
    ("ql_fs.path_exists('/usr/x')", ("=", False)),  # the NUL names made nothing
    # uos: urandom allocates n bytes first
    ("uos.urandom(-1)", "ValueError"),
    ("uos.urandom(2**31)", "ValueError"),
    ("uos.urandom(10**9)", "ValueError"),
    ("uos.urandom(65537)", "ValueError"),
    ("uos.urandom('1')", "TypeError"),
    ("len(uos.urandom(65536))", ("=", 65536)),
    ("uos.stat(5)", "TypeError"),
    ("uos.listdir(5)", "TypeError"),
    ("uos.remove(5)", "TypeError"),
    ("uos.mkdir(5)", "TypeError"),
]

APP = PRELUDE + """
import osTimer, sys_bus, ql_fs, utime, uos, net, sim, machine, log, dataCall, umqtt, _thread
import ujson

def long_timer():
    # A 7-day osTimer and a 50 ms one: the short one fires first and the long
    # one not at all (on 2**30 ms ticks a wait over 6.2 days read as past).
    fired = []
    far, near = osTimer(), osTimer()
    far.start(7 * 86400 * 1000, 0, lambda a: fired.append('long'))
    near.start(50, 0, lambda a: fired.append('short'))
    for i in range(1000):  # polls the outcome, at most 10 s
        if 'short' in fired:
            break
        utime.sleep_ms(10)
    far.stop()
    return 'short first' if fired == ['short'] else repr(fired)

out = []
for call in ujson.loads(CALLS):
    try:
        v = eval(call)
        out.append(['=', v if v is None or isinstance(v, (int, bool, str)) else repr(v)])
    except Exception as e:
        if isinstance(e, OSError):
            out.append(['OSError', e.args[0] if e.args else None])
        else:
            out.append([type(e).__name__, bool(str(e))])
print('results', ujson.dumps(out))
"""


@pytest.fixture(scope="module", params=["micropython", "cpython"])
def results(request, tmp_path_factory):
    from inproc.host import app_result  # in-process, once per session (not per xdist worker)

    src = APP.replace("CALLS", repr(json.dumps([c for c, _ in CASES])))
    r = app_result(tmp_path_factory, "bad_input_more_" + request.param, request.param, src, timeout=90)
    assert r.code == 0, r
    got = r.value("results")
    return json.loads(got) if isinstance(got, str) else got


@pytest.mark.parametrize("i", range(len(CASES)), ids=[c for c, _ in CASES])
def test_bad_input(results, i):
    call, expected = CASES[i]
    got = results[i]
    if isinstance(expected, tuple) and expected[0] == "=":
        assert got == ["=", expected[1]], f"{call}: {got}"
    elif isinstance(expected, tuple):
        assert got == list(expected), f"{call}: {got}"
    else:
        assert got[0] == expected, f"{call}: {got}"
        assert got[1], f"{call}: an exception without a message"


def test_cases_are_distinct():
    calls = [c for c, _ in CASES]
    assert len(calls) == len(set(calls))
