"""The command line itself: help, version and usage errors."""

import subprocess

from conftest import QPYSHIM, ROOT


def qpyshim(*args):
    return subprocess.run(QPYSHIM + list(args), capture_output=True, text=True, timeout=30, cwd=ROOT)


def test_version():
    r = qpyshim("--version")
    assert r.returncode == 0 and r.stdout.startswith("qpyshim "), r


def test_run_help_lists_the_options():
    r = qpyshim("run", "--help")
    assert r.returncode == 0
    for opt in ("--runtime", "--net", "--duration", "--board", "--flash"):
        assert opt in r.stdout


def test_missing_app():
    r = qpyshim("run", "no/such/app.py")
    assert r.returncode != 0 and "no such app" in r.stderr, r


def test_bad_duration_and_runtime():
    assert qpyshim("run", "--duration", "-1", "x.py").returncode == 2
    r = qpyshim("run", "--runtime", "lua", "x.py")
    assert r.returncode == 2 and "invalid choice" in r.stderr


def test_unknown_board():
    r = qpyshim("run", "--board", "nope", str(ROOT / "examples" / "tcp_client_ip.py"))
    assert r.returncode != 0 and "unknown board" in r.stderr and "unix" in r.stderr, r


def test_run_refuses_a_real_board(tmp_path):
    import subprocess

    from conftest import EXAMPLES, QPYSHIM, ROOT

    p = subprocess.run(QPYSHIM + ["run", "--board", "esp32", str(EXAMPLES / "tcp_client_ip.py")],
                       capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert p.returncode == 2
    assert "esp32 is a real board" in p.stderr and "qpyshim deploy" in p.stderr


def test_deploy_help_names_the_way_out():
    r = qpyshim("deploy", "--help")
    assert r.returncode == 0
    for opt in ("--port", "--board", "--config", "--reset", "--timeout", "--follow"):
        assert opt in r.stdout
    assert "DTR" in r.stdout and "bare" in r.stdout  # what --reset does, and when it is needed
    r = qpyshim("deploy", "--port", "/dev/null", "--timeout", "0", "x.py")
    assert r.returncode == 2 and "must be > 0" in r.stderr, r
