"""QuecPython's system modules on both runtimes: osTimer, queue, sys_bus,
ql_fs, uos.uname/uname2, example.exec and ntptime (against an NTP server on
loopback). The cases that need no board process of their own are in
tests/inproc/system_modules_cases.py, run in ONE interpreter per runtime
(tests/inproc/host.py); here the ones that do (main.py returning, a board
config of their own, a host NTP server, a watchdog)."""

import socket
import struct
import threading
from pathlib import Path

import pytest

from inproc.host import CaseFile

CASES = CaseFile(Path(__file__).parent / "inproc" / "system_modules_cases.py")


@pytest.mark.parametrize("runtime,name", CASES.params())
def test_in_process(runtime, name, tmp_path_factory):
    CASES.check(runtime, name, tmp_path_factory)


def test_ostimer_keeps_the_board_up(board):
    """An app that lives in its timer callbacks runs on after main.py returns."""
    r = board.run("""
import osTimer, usys
n = [0]
def tick(arg):
    n[0] += 1
    print('tick', n[0])
    if n[0] == 3:
        t.stop()
t = osTimer()
t.start(10, 1, tick)
print('main done')
""")
    assert r.code == 0, r
    assert r.lines == ["main done", "tick 1", "tick 2", "tick 3"]


def test_uname_and_example_exec(board):
    r = board.run("""
import uos, example
u = uos.uname()
print('uname', u[0], u[1], u[4], len(u), u[0].split('=')[1])
u2 = uos.uname2()
print('uname2', u2.sysname, u2.nodename, u2.qpyver)
print('listdir', 'usr' in uos.listdir())
example.exec('/usr/script.py')
print('after', ran)
print('missing', err(example.exec, 'usr/none.py'))
""", files={"script.py": "print('script', __name__)\nimport builtins\nbuiltins.ran = True\n"},
        net={"model": {"name": "EC200U-CNAA"}})
    assert r.code == 0, r
    assert r.value("uname") == "sysname=EC200U-CNAA nodename=EC200U machine=EC200U with QUECTEL 6 EC200U-CNAA"
    assert r.value("uname2") == "EC200U-CNAA EC200U V0001"
    assert r.value("listdir") is True  # QuecPython lists / by default
    assert r.value("script") == "__main__"
    assert r.value("after") is True
    assert r.value("missing") == ("OSError", "File path error or not exist: [/usr/none.py]",
                                  "File path error or not exist: [/usr/none.py]")


class NtpServer:
    """Answers NTP client requests with a fixed transmit time."""

    def __init__(self, unix_time):
        self.t = unix_time
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.asked = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                data, peer = self.sock.recvfrom(512)
            except OSError:
                return
            self.asked += 1
            reply = bytearray(48)
            reply[0] = 0x1C  # version 3, server
            reply[40:44] = struct.pack("!I", self.t + 2208988800)
            self.sock.sendto(bytes(reply), peer)

    def close(self):
        self.sock.close()


@pytest.fixture
def ntp():
    s = NtpServer(1704164645)  # 2024-01-02 03:04:05 UTC
    yield s
    s.close()


def test_ntptime(board, ntp):
    net = {"hosts": {"ntp.aliyun.com": "127.0.0.9", "ntp.test": "127.0.0.9"},
           "endpoints": {"127.0.0.9:123": "127.0.0.1:%d" % ntp.port}}
    r = board.run("""
import ntptime, utime, machine
print('host', ntptime.host)
print('time', ntptime.time())
print('sethost', ntptime.sethost('ntp.test'), ntptime.host, ntptime.sethost(None))
print('settime', ntptime.settime(8))
print('clock', utime.time() - 1704164645 - 8 * 3600 < 60, utime.localtime()[:4])
print('rtc', machine.RTC().datetime()[:3])
print('badzone', ntptime.settime(13))
""", net=net)
    assert r.code == 0, r
    assert r.value("host") == "ntp.aliyun.com"
    assert r.value("time") == 1704164645
    assert r.value("sethost") == "0 ntp.test -1"
    assert r.value("settime") == 0
    assert r.value("clock") == "True (2024, 1, 2, 11)"  # the RTC shows UTC+8
    assert r.value("rtc") == (2024, 1, 2)
    assert r.value("badzone") == -1
    assert ntp.asked == 2


def test_timers_survive_bad_callbacks_and_many_wakeups(board):
    r = board.run("""
import osTimer, queue, usys
from machine import WDT
q = queue.Queue()
bad = osTimer()
bad.start(5, 0, lambda a: usys.exit(3))      # even sys.exit() in a callback
boom = osTimer()
boom.start(5, 0, lambda a: 1 / 0)
good = osTimer()
good.start(30, 0, lambda a: q.put('still ticking'))
print('after', q.get())
w = WDT(30)
for _ in range(200):        # far more wake-ups than the timer thread's queue holds
    w.feed()
t = osTimer()
t.start(10, 0, lambda a: q.put('fed and alive'))
print('fed', q.get())
w.stop()
print('again', type(WDT()).__name__)  # the one watchdog, its period kept
""")
    assert r.code == 0, r
    assert r.value("after") == "still ticking"
    assert r.value("fed") == "fed and alive"
    assert r.value("again") == "WDT"
    assert "ZeroDivisionError" in r.err