"""The boot rules: the app is /usr, its main.py runs as __main__ with uos
pre-imported, `import usr.x` works, threads outlive main.py, and the board
stops cleanly."""

import os
from pathlib import Path

HELPERS = {
    "helper.py": "X = 5\n",
    "modules/common.py": "class Singleton:\n    NAME = 'common'\n",
}


def test_usr_imports(board):
    r = board.run("""
import usr.helper
from usr import helper
from usr.helper import X
from usr.modules.common import Singleton
print('vals', [usr.helper.X, helper.X, X, Singleton.NAME, __name__])
""", files=HELPERS)
    assert r.code == 0, r
    assert r.value("vals") == [5, 5, 5, "common", "__main__"]


def test_uos_preimported_and_usr_is_the_app(board, tmp_path):
    r = board.run("""
print('ls', sorted(uos.listdir('/usr')))
with open('/usr/data.txt', 'w') as f:
    f.write('kept')
with open('/usr/data.txt') as f:
    print('read', f.read())
print('stat', uos.stat('/usr/helper.py')[6])
""", files=HELPERS)
    assert r.code == 0, r
    assert r.value("ls") == ["helper.py", "main.py", "modules"]
    assert r.value("read") == "kept"
    assert r.value("stat") == len(HELPERS["helper.py"])
    # the app runs from a copy: the source folder is untouched
    assert not any(p.name == "data.txt" for p in Path(tmp_path).rglob("*"))


def test_threads_outlive_main(board):
    r = board.run("""
import _thread, utime
gate = _thread.allocate_lock()
gate.acquire()
def worker():
    gate.acquire()
    utime.sleep_ms(300)
    print('worker finished after main')
_thread.start_new_thread(worker, ())
print('main done')
gate.release()
""")
    assert r.code == 0, r
    assert r.lines == ["main done", "worker finished after main"], r


def test_uncaught_exception_in_main(board):
    r = board.run("print('before')\nraise RuntimeError('boom')\n")
    assert r.code == 1, r
    assert r.lines == ["before"]
    assert "RuntimeError: boom" in r.err and "/usr/main.py" in r.err, r


def test_uncaught_exception_in_thread_fails_the_run(board):
    r = board.run("""
import _thread
def bad():
    raise ValueError('thread boom')
_thread.start_new_thread(bad, ())
""")
    assert r.code == 1, r
    assert "Unhandled exception in thread" in r.err and "thread boom" in r.err, r


def test_sys_exit_sets_the_status(board):
    r = board.run("import usys\nprint('bye')\nusys.exit(3)\n")
    assert r.code == 3, r
    assert r.lines == ["bye"]


def _board_processes(flash):
    mark = f"QPYSHIM_FLASH={flash}".encode()
    found = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                if mark in (p / "environ").read_bytes().split(b"\0"):
                    found.append(p.name)
            except OSError:
                pass
    return found


def test_ctrl_c_ends_everything(board):
    flash = board.tmp / "flash"
    app = board.start("""
import _thread, usocket
srv = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, usocket.IPPROTO_TCP_SER)
srv.bind(('127.0.0.1', 80))
srv.listen(1)
def serve():
    srv.accept()  # blocks for good
_thread.start_new_thread(serve, ())
print('ready')
""", args=("--flash", str(flash)))
    try:
        app.expect("^ready$")
        assert _board_processes(flash.resolve()), "the board process should be running"
    finally:
        code = app.interrupt()
    assert code == 0, app.stderr
    assert _board_processes(flash.resolve()) == []
    assert "Traceback" not in app.stderr, app.stderr


def test_duration_stops_a_running_app(board):
    r = board.run("""
import utime
print('started')
while True:
    utime.sleep_ms(50)
""", args=("--duration", "1"))
    assert r.code == 0, r
    assert r.lines == ["started"]


def test_app_is_a_single_file_or_a_folder(board, tmp_path):
    single = tmp_path / "solo.py"
    single.write_text("print('name', __name__)\n")
    assert board.run(path=single).value("name") == "__main__"
    folder = tmp_path / "nomain"
    folder.mkdir()
    r = board.run(path=folder)
    assert r.code != 0 and "has no main.py" in r.err, r


def test_board_files_are_a_board_filesystem(board):
    flash = board.tmp / "keep"
    r = board.run("print('ok', 1)\n", args=("--flash", str(flash)))
    assert r.code == 0, r
    # the module's two partitions, /usr and /bak (QuecPython/microPython ports/quectel/core/_boot.py)
    assert sorted(os.listdir(flash)) == ["bak", "board.json", "boot.py", "main.py", "shim", "usr"]


def test_cwd_is_root(board):
    assert board.run("print('cwd', uos.getcwd())\n").value("cwd") == "/"


def test_damaged_datacall_config_still_boots(board):
    r = board.run("""
import dataCall
print('p1', dataCall.getInfo(1, 0)[2][0])
""", files={"datacall_config.json": '{"1": 1}'})
    assert r.code == 0, r
    assert r.value("p1") == 0  # profile 1 has no autoActivate entry left: it stays down


def test_log_file_holds_each_line(board):
    r = board.run("""
import log
log.basicConfig(level=log.INFO, filename='/usr/app.log')
log.getLogger('f').info('saved')
with open('/usr/app.log') as f:
    print('file', repr(f.read()))
""")
    assert r.code == 0, r
    assert r.value("file") == "INFO:f:saved\n"
