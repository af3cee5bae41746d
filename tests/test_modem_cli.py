"""`qpyshim modem` as a user runs it: a simulator in its own process on a
TCP port or a pty, an app pointed at it by its config alone, faults typed
on its standard input; and the config checks around the stack section."""

import re
import subprocess
import threading

import pytest

from conftest import QPYSHIM, ROOT, Board
from qpyshim import dialects

# The CLI's behaviour is the same for every dialect: one from the registry
# stands for all (each dialect's own options are checked below, per option).
ONE = dialects.names()[0]


class ModemProcess:
    def __init__(self, *args):
        self.proc = subprocess.Popen(QPYSHIM + ["modem", *args], stdin=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, cwd=ROOT, start_new_session=True)
        self.lines = []
        self.ready = threading.Event()
        self.seen = threading.Condition()
        threading.Thread(target=self._pump, daemon=True).start()
        assert self.ready.wait(30), self.lines
        m = re.search(r" on (\S+?)(?: at \d+ baud)?;", self.lines[0])
        assert m, self.lines
        self.path = m.group(1)

    def _pump(self):
        for line in self.proc.stderr:
            with self.seen:
                self.lines.append(line.rstrip("\n"))
                self.seen.notify_all()
            self.ready.set()

    def type(self, text):
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def wait_for(self, text, timeout=10):
        with self.seen:
            assert self.seen.wait_for(lambda: any(text in ln for ln in self.lines), timeout), self.lines

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


@pytest.fixture
def modem_process():
    made = []

    def start(*args):
        m = ModemProcess(*args)
        made.append(m)
        return m

    yield start
    for m in made:
        m.stop()


def test_an_app_reaches_a_modem_process_over_tcp(tmp_path, modem_process, peer_server):
    m = modem_process(ONE, "--tcp", "0")
    assert m.path.startswith("tcp:127.0.0.1:")
    r = Board(tmp_path, "micropython").run(f'''
import usocket, checkNet
print("net", checkNet.waitNetworkReady(30))
s = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM)
s.settimeout(10)
s.connect(("127.0.0.1", {peer_server.server_address[1]}))
print("greeting", s.recv(64)[:5])
s.close()
''', net={"stack": {"driver": ONE, "line": m.path}}, timeout=60)
    assert r.code == 0, r
    assert r.value("net") == (3, 1) and r.value("greeting") == b"peer=", r


def test_faults_are_typed_on_standard_input(modem_process):
    m = modem_process(ONE, "--pty")
    assert m.path.startswith("/dev/")
    m.type("lose-context")
    m.wait_for("qpyshim: lose-context")
    m.type("melt")
    m.wait_for("unknown fault 'melt'")


def test_run_wants_a_line_for_a_modem_stack(tmp_path):
    r = Board(tmp_path, "micropython").run("print('never')", net={"stack": {"driver": ONE}})
    assert r.code == 2 and "stack.line names no serial line" in r.err and f"--modem {ONE}" in r.err, r


def _option_cases():
    # Each dialect option's check, with a value it refuses: a choice past
    # the last, or 0 where a whole number > 0 is wanted.
    for o, (d, *_) in dialects.options().values():
        bad = max(o.choices) + 1 if o.choices else 0
        yield {"driver": d.name, "line": 2, o.key: bad}, f"stack.{o.key} must be {o.rule}"


@pytest.mark.parametrize("stack,words", [
    ({"driver": "quectel-at"}, "stack.driver must be one of"),
    ({"driver": ONE, "line": "tcp:127.0.0.1:x"}, "expected tcp:HOST:PORT"),
    ({"driver": ONE, "line": True}, "stack.line must be"),
    ({"driver": ONE, "line": 2, "baudrate": 0}, "stack.baudrate must be a whole number > 0"),
    *_option_cases(),
])
def test_the_stack_section_is_checked(tmp_path, stack, words):
    r = Board(tmp_path, "micropython").run("print('never')", net={"stack": stack})
    assert r.code == 2 and words in r.err, r


def test_a_modem_line_that_cannot_open_reads_as_no_sim(tmp_path):
    r = Board(tmp_path, "micropython").run('''
import checkNet, sim
print("sim", sim.getStatus())
print("net", checkNet.waitNetworkReady(5))
''', net={"stack": {"driver": ONE, "line": str(tmp_path / "no-such-tty")}}, timeout=30)
    assert r.code == 0, r
    assert r.value("sim") == 0 and r.value("net") == (1, 0), r
    assert f"can't open the {ONE} modem's line" in r.err, r
