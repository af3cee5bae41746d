"""Runs apps as an ESP32 runs them, on the unix port: the board's files (from
qpyshim's own board layout) in a folder or a LittleFS image, the ESP32 port of
the shim, and stand-ins for network, socket and machine (tests/esp32/)."""

import json
import os
from pathlib import Path

from qpyshim import boardfiles, netconfig, runner, testing

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
    """Boot the board folder (or image) as an ESP32 would and run its app to
    the end, through the one harness (qpyshim.testing)."""
    cmd = [runner.interpreter("micropython"), str(EMULATE), "--image" if image else "--dir", str(target)]
    if netns:
        cmd = testing.private_network(cmd)
    env = dict(os.environ, QPY_ESP32=json.dumps(AP if standin is None else standin))
    with testing.AppProcess(cmd, cwd=HERE / "esp32", env=env, timeout=timeout) as p:
        return p.result()
