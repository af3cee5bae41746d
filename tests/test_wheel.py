"""qpyshim as a user's project gets it: an sdist and a wheel built from this
checkout, the wheel installed (with the versions constraints.txt pins) into
a fresh virtual environment outside the checkout, and run from a folder
outside it: an app, an image, the stub check, and a test of the user's own
that uses the `quecpython` fixture. Every test here shares one environment;
under xdist the first worker to get here builds it and the others wait for
it (a lock in the session's temp dir) rather than building one each."""

import fcntl
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from littlefs import LittleFS

from conftest import EXAMPLES, ROOT

# Building fetches setuptools for the isolated build and installing fetches
# the dependencies (pip's cache makes a rerun quick): a cold run takes minutes.
pytestmark = [pytest.mark.timeout(900), pytest.mark.xdist_group("heavy")]  # see pyproject's addopts

SETUP_TIMEOUT = 600
RUN_TIMEOUT = 120
DEVICE = ("qpyshim/_device/shim/usocket.py", "qpyshim/_device/boards/unix/board.json",
          "qpyshim/_device/boot.py", "qpyshim/_device/main.py", "qpyshim/_device/firmware/manifest.py",
          "qpyshim/_device/boards/unix/startup.py", "qpyshim/data/quecpython-signatures.json")
# Port 80 of the echo demo moves to a free port, even as root (tests run side by side).
NET = '{"ports": {"remap_privileged": "always", "offset": 0}}'

USER_TEST = '''\
import json
from pathlib import Path

import qpyshim

NET = json.loads(%r)
HERE = Path(__file__).resolve().parent


def test_the_installed_package_runs_it():
    assert "site-packages" in qpyshim.__file__


def test_echo_demo(quecpython):
    app = quecpython(HERE.parent / "echo_demo", net=NET, timeout=60)
    app.expect(r"^\\[client\\] recv data: b'1234567890'$")
    assert app.wait() == 0
    assert "[client] disconnected." in app.stdout


def test_a_small_app(quecpython):
    app = quecpython(None, files={"main.py": "import utime\\nprint('up', utime.time() > 0)\\n"}, net=NET)
    app.expect(r"^up True$")
''' % NET


def _run(cmd, cwd, env=None, timeout=RUN_TIMEOUT):
    return subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)


def _clean_env(venv):
    """The environment of a user's shell with the venv activated: nothing of
    this checkout's venv, nor of the pytest run around this one."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST_", "COV_", "COVERAGE_", "PYTHON")) and k != "VIRTUAL_ENV"}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}"
    env["VIRTUAL_ENV"] = str(venv)
    return env


def _build(base):
    dist, venv, project = base / "dist", base / "venv", base / "project"
    # sdist, then the wheel from the unpacked sdist: both carry the device files
    p = _run([sys.executable, "-m", "build", "--outdir", dist, ROOT], base, timeout=SETUP_TIMEOUT)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    wheel = next(dist.glob("qpyshim-*.whl"))
    p = _run([sys.executable, "-m", "venv", venv], base, timeout=SETUP_TIMEOUT)
    assert p.returncode == 0, p.stderr
    p = _run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", "-c", ROOT / "constraints.txt",
              wheel, "pytest"], base, env=_clean_env(venv), timeout=SETUP_TIMEOUT)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    # The user's project: their app and their tests. copytree follows the
    # demo's symlink (note.py), as a user copying it would.
    shutil.copytree(EXAMPLES / "echo_demo", project / "echo_demo")
    (project / "tests").mkdir()
    (project / "tests" / "test_my_app.py").write_text(USER_TEST)
    (project / "net.json").write_text(NET)


@pytest.fixture(scope="module")
def installed(tmp_path_factory, worker_id):
    # One environment per session: under xdist the session's temp dir is the
    # workers' common parent.
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        shared = shared.parent
    base = shared / "wheel-test"
    assert not base.resolve().is_relative_to(ROOT)
    with open(shared / "wheel-test.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        failed = shared / "wheel-test.failed"
        if failed.exists():  # another worker tried: one failed build per session
            pytest.fail(failed.read_text(), pytrace=False)
        if not (base / "ready").exists():
            base.mkdir()
            try:
                _build(base)
            except BaseException as e:
                failed.write_text(f"building or installing the wheel failed:\n{e}")
                raise
            (base / "ready").touch()
    venv = base / "venv"
    return {"base": base, "venv": venv, "env": _clean_env(venv), "project": base / "project",
            "wheel": next((base / "dist").glob("qpyshim-*.whl")),
            "sdist": next((base / "dist").glob("qpyshim-*.tar.gz"))}


def _qpyshim(installed, *args):
    return _run([installed["venv"] / "bin" / "qpyshim", *args], installed["project"], env=installed["env"])


def test_the_wheel_carries_the_device_files_and_no_bytecode(installed):
    names = zipfile.ZipFile(installed["wheel"]).namelist()
    assert not [n for n in names if "__pycache__" in n or n.endswith((".pyc", ".pyo"))]
    assert set(DEVICE) <= set(names)
    # every file of the device tree, none left out
    shim = {n.split("/_device/", 1)[1] for n in names if n.startswith("qpyshim/_device/shim/")}
    assert shim == {p.relative_to(ROOT).as_posix() for p in (ROOT / "shim").rglob("*")
                    if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}
    with tarfile.open(installed["sdist"]) as t:
        top = t.getnames()[0].split("/")[0]
        sdist = {n.split("/", 1)[1] for n in t.getnames() if "/" in n}
    assert {"shim/usocket.py", "boards/unix/board.json", "boot.py", "main.py", "setup.py",
            "constraints.txt"} <= sdist, top
    assert not [n for n in sdist if "__pycache__" in n or n.endswith(".pyc")]


def test_it_runs_from_the_installed_package(installed):
    p = _run([installed["venv"] / "bin" / "python", "-c",
              "from qpyshim import paths; print(paths.ROOT); print(paths.PACKAGED)"],
             installed["project"], env=installed["env"])
    assert p.returncode == 0, p.stderr
    root, packaged = p.stdout.split("\n")[:2]
    assert root == packaged and Path(root).is_relative_to(installed["venv"]), p.stdout


def test_run_an_app(installed):
    p = _qpyshim(installed, "run", "--net", "net.json", "echo_demo")
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    lines = p.stdout.splitlines()
    assert lines.count("[client] recv data: b'1234567890'") == 3, p.stdout
    assert "[client] disconnected." in lines, p.stdout


def test_image(installed):
    img = installed["base"] / "fs.img"
    p = _qpyshim(installed, "image", "--board", "esp32", "echo_demo", "-o", img)
    assert p.returncode == 0, p.stderr
    assert img.stat().st_size == 0x200000, p.stdout  # the 4 MiB ESP32_GENERIC vfs partition
    fs = LittleFS(block_size=4096, block_count=0x200000 // 4096, mount=False)
    fs.context.buffer[:] = img.read_bytes()
    fs.mount()
    names = {root.rstrip("/") + "/" + f for root, _, files in fs.walk("/") for f in files}
    assert {"/boot.py", "/main.py", "/board.json", "/shim/usocket.mpy", "/usr/main.py", "/usr/note.py"} <= names


def test_stubcheck_and_the_firmware_manifest(installed):
    p = _qpyshim(installed, "stubcheck")
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    assert "<!-- stubcheck:end -->" in p.stdout
    p = _qpyshim(installed, "firmware", "--check")
    assert p.returncode == 0, p.stderr
    assert "all present" in p.stdout


def test_a_users_tests_with_the_quecpython_fixture(installed):
    # a temp dir of its own: pytest's numbered ones are shared with this run
    p = _run([installed["venv"] / "bin" / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider",
              "--basetemp", installed["base"] / "user-tmp", "tests"],
             installed["project"], env=installed["env"], timeout=300)
    assert p.returncode == 0, p.stdout[-5000:] + p.stderr[-3000:]
    assert "3 passed" in p.stdout, p.stdout


def test_without_the_device_files_the_error_says_where_it_looked(monkeypatch, tmp_path):
    from qpyshim import paths

    monkeypatch.setattr(paths, "SHIM", tmp_path / "shim")
    with pytest.raises(SystemExit) as e:
        paths.check_checkout()
    msg = str(e.value)
    assert "_device" in msg and str(paths.CHECKOUT) in msg and "pip install ." in msg
