"""Adding a dialect is one folder and one entry: the null modem (this
folder) is known to the CLI, the stack checks and the runner only while
$QPYSHIM_DIALECTS names it, and then an app's TCP socket runs through its
driver and simulator to a loopback echo server."""

import os
import subprocess
from pathlib import Path

import pytest

from conftest import QPYSHIM, ROOT, Board
from modemrig import Echo
from qpyshim import dialects

HERE = Path(__file__).resolve().parent

APP = '''
import usocket, checkNet, dataCall
print("net", checkNet.waitNetworkReady(30))
print("ip", dataCall.getInfo(1, 0)[2][2])
s = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM)
s.settimeout(10)
s.connect(("127.0.0.1", %d))
print("state", s.getsocketsta())
s.send(b"through the null modem")
got = b""
while len(got) < 22:
    got += s.recv(64)
print("echo", got)
s.close()
print("udp", err(usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM).sendto, b"x", ("127.0.0.1", 9))[:2])
'''


def _help(*args, registered):
    env = dict(os.environ)
    env.pop(dialects.ENV, None)
    if registered:
        env[dialects.ENV] = str(HERE)
    r = subprocess.run(QPYSHIM + [*args, "--help"], capture_output=True, text=True, timeout=30, cwd=ROOT, env=env)
    assert r.returncode == 0, r
    return r.stdout


def test_the_cli_offers_it_only_when_registered():
    choices = "{" + ",".join(dialects.names())  # the built-in ones, as argparse lists them
    for args in (("modem",), ("run",)):
        plain = _help(*args, registered=False)
        assert choices + "}" in plain and "null" not in plain, plain
        assert choices + ",null}" in _help(*args, registered=True)


def test_the_registry_reads_the_environment(monkeypatch):
    monkeypatch.delenv(dialects.ENV, raising=False)
    assert "null" not in dialects.names()
    with pytest.raises(ValueError, match="unknown modem 'null'"):
        dialects.get("null")
    monkeypatch.setenv(dialects.ENV, str(HERE))
    entry = dialects.get("null")
    assert dialects.names()[-1] == "null" and entry.device == HERE / "device"
    assert entry.driver == "shim._modems.null"


def test_a_config_naming_it_unregistered_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv(dialects.ENV, raising=False)
    r = Board(tmp_path, "micropython").run("print('never')", net={"stack": {"driver": "null", "line": 2}})
    assert r.code == 2 and "stack.driver must be one of" in r.err, r


@pytest.mark.parametrize("runtime", ["micropython", "cpython"])
def test_an_app_talks_tcp_through_the_null_modem(tmp_path, monkeypatch, runtime):
    monkeypatch.setenv(dialects.ENV, str(HERE))  # `qpyshim run` inherits it
    echo = Echo()
    try:
        r = Board(tmp_path, runtime).run(APP % echo.port, args=("--modem", "null"), timeout=60)
    finally:
        echo.close()
    assert r.code == 0, r
    assert r.value("net") == (3, 1) and r.value("ip") == "127.0.0.1", r
    assert r.value("state") == 4, r
    assert r.value("echo") == b"through the null modem", r
    assert r.value("udp") == ("OSError", 95), r  # its driver's own answer: TCP only


def test_the_test_fixtures_take_it_too(tmp_path, monkeypatch):
    # modemkit's simulator() and stack() are the registry's: an app pointed
    # at the running simulator by its config alone (no --modem) gets the
    # out-of-tree driver laid on its board all the same.
    monkeypatch.setenv(dialects.ENV, str(HERE))
    from modemkit import simulator, stack

    echo = Echo()
    try:
        with simulator("null") as sim:
            r = Board(tmp_path, "micropython").run(APP % echo.port, net=stack(sim), timeout=60)
    finally:
        echo.close()
    assert r.code == 0, r
    assert r.value("echo") == b"through the null modem", r
    assert sim.errors == [] and sim.bad == [], (sim.errors, sim.bad)
