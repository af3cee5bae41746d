# Whole apps in-process (tests/inproc/host.py run_apps): the host names one
# case per app ("case_<name>") and writes the app's source and the files it
# wants in /usr to $INPROC_APPS/<name>.json. Each runs on a fresh board built
# from its own config, on empty flash with the source as /usr/main.py, in
# globals of its own, as `qpyshim run` would run it; its transcript is the
# case's. Used by tests/test_conformance.py, the bad-input, limits and fault
# tables, and tests/inproc/fixtures.py's `inboard`.
# Unlike a process of its own, modules the app imported keep their module
# state for the next app of the same interpreter (a table that depends on a
# module's first import runs as an app of its own).
import os
import json

import uos
import utime
from shim._ports import port

_CLOCK = (utime._rtc[0], utime._tz)


def run_case(name, r):
    with port.open_host(os.getenv("INPROC_APPS") + "/" + name[5:] + ".json") as f:
        app = json.loads(f.read())
    files = [("main.py", app["source"])] + app["files"]  # the app is /usr/main.py
    for path, text in files:
        _write("/usr/" + path, text)
    from shim import _thread

    failed = _thread.failures
    try:
        exec(compile(app["source"], "/usr/main.py", "exec"), {"__name__": "__main__"})
    except SystemExit as e:  # the app's status, as shim/_lib/app.py reads it
        code = e.args[0] if e.args and isinstance(e.args[0], int) else 0
        assert code == 0, "the app exited with status %d" % code
        return
    # As the board's app runner (shim/_lib/app.py): main.py returning leaves
    # its threads and timers running, and the app ends when they have; its
    # status is 1 if one of its threads died of an exception.
    t0 = utime.ticks_ms()
    while (_thread.live_count() or _thread.holds) and utime.ticks_diff(utime.ticks_ms(), t0) < 30000:
        utime.sleep_ms(10)
    assert not (_thread.live_count() or _thread.holds), "the app's threads or timers did not end in 30 s"
    assert _thread.failures == failed, "a thread of the app died of an exception (see stderr)"


def _write(path, text):
    parts = path.split("/")
    for i in range(3, len(parts)):  # the folders below /usr
        try:
            uos.mkdir("/".join(parts[:i]))
        except OSError:
            pass  # there already
    with open(path, "w") as f:
        f.write(text)


def teardown():
    # The app's threads end before the next app's board counts its own against
    # the thread limit (a process of its own would have taken them with it):
    # a bounded poll, the threads have no join.
    from shim import _thread

    t0 = utime.ticks_ms()
    while _thread._counted and utime.ticks_diff(utime.ticks_ms(), t0) < 5000:
        utime.sleep_ms(5)
    # The RTC (machine.RTC().datetime, ntptime.settime) and the timezone live
    # in utime, not on the board: a new board keeps them, a new process would not.
    utime._rtc[0], utime._tz = _CLOCK
    # Each app starts on empty flash, as `qpyshim run` lays it out (the next
    # board's power-on reads /usr/datacall_config.json).
    for d in ("/usr", "/bak"):
        _wipe(d)


def _wipe(d):
    for e in uos.ilistdir(d):
        p = d + "/" + e[0]
        if e[1] == 0x4000:
            _wipe(p)
            uos.rmdir(p)
        else:
            uos.remove(p)
