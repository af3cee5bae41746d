"""Runs apps as an ESP32 runs them, on the unix port: the board's files (from
qpyshim's own board layout) in a folder or a LittleFS image, the ESP32 port of
the shim, and stand-ins for network, socket and machine (tests/esp32/)."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from qpyshim import boardfiles, netconfig, runner

HERE = Path(__file__).resolve().parent
EMULATE = HERE / "esp32" / "emulate.py"
# A reachable access point, and the Wi-Fi config that joins it.
AP = {"aps": {"lab": "secret"}, "ip": "127.0.0.1", "dns": "127.0.0.53"}
WIFI = {"link": {"wlan": {"ssid": "lab", "password": "secret"}, "poll_ms": 20}}


def layout(tmp, source=None, app=None, config=None, use_mpy=False, name="flash"):
    """Write the board's filesystem for an app to tmp/name; returns its path."""
    if app is None:
        app = tmp / f"{name}-app"
        app.mkdir()
        (app / "main.py").write_text(source)
    cfg = boardfiles.load_config("esp32")
    cfg = netconfig.merge(cfg, config if config is not None else WIFI)
    flash = tmp / name
    for f in boardfiles.collect(cfg, app, use_mpy):
        p = flash / f.path
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(f.data)
    return flash


def run(target, standin=None, image=False, timeout=30, netns=False):
    cmd = [runner.interpreter("micropython"), str(EMULATE), "--image" if image else "--dir", str(target)]
    if netns:
        if not shutil.which("unshare") or os.geteuid() != 0:
            pytest.skip("needs root and unshare for a private network namespace")
        cmd = ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "sh", *cmd]
    env = dict(os.environ, QPY_ESP32=json.dumps(AP if standin is None else standin))
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=HERE / "esp32", env=env)
    from conftest import Result

    return Result(p.returncode, p.stdout, p.stderr)
