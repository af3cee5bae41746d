"""One board of a fleet (`qpyshim fleet`, qpyshim/locust.py): its identity
from the config's patterns, its config, its flash laid out from one shared
template, and its process start. What a single `qpyshim run` board needs as
well (the stand-ins, board.json and the environment, the command) is the
runner's own."""

import contextlib
import copy
import functools
import os
import shutil
import subprocess
from pathlib import Path

from . import boardblock, netconfig, paths, runner

# Where a board's identity comes from: config path -> pattern. {n} is the
# device number (1, 2, ...; a format spec such as {n:06d} pads it), {luhn}
# the check digit of the digits before it (IMEIs and ICCIDs end with one).
# The defaults keep the board config's own prefixes (TAC, issuer, MCC/MNC).
# A config's "fleet": {"identity": {...}} replaces single entries; a pattern
# without {n} gives every board the same value.
IDENTITY = {
    "modem.imei": "86632704{n:06d}{luhn}",
    "modem.sn": "D1Q20GM05{n:07d}P",
    "sim.iccid": "898603908455{n:07d}{luhn}",
    "sim.imsi": "4601054{n:08d}",
    "sim.phone": "+86181{n:08d}",
}
MAX_BOARDS = 9999  # the identity patterns' widths; far past what one host holds anyway



class FleetError(Exception):
    pass


def luhn(digits):
    """The Luhn check digit for a string of digits."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def render(pattern, n, where="pattern"):
    """One identity value of device n."""
    head, sep, tail = pattern.partition("{luhn}")
    try:
        out = head.format(n=n)
        if sep:
            digits = "".join(c for c in out if c.isdigit())
            out += luhn(digits) + render(tail, n, where)
    except (KeyError, IndexError, ValueError) as e:
        raise FleetError(f"fleet.identity.{where}: {pattern!r}: {e!r}; use {{n}}, {{n:06d}} or {{luhn}}") from None
    return out


def identity(cfg, n):
    """cfg with device n's identity (cfg is changed and returned)."""
    patterns = dict(IDENTITY)
    patterns.update(((cfg.get("fleet") or {}).get("identity")) or {})
    for path, pattern in patterns.items():
        if not isinstance(pattern, str):
            raise FleetError(f"fleet.identity.{path}: expected a string pattern, got {pattern!r}")
        keys = path.split(".")
        node = cfg
        for k in keys[:-1]:
            node = node.setdefault(k, {})
            if not isinstance(node, dict):
                raise FleetError(f"fleet.identity: {path}: {k} is not a section of the config")
        node[keys[-1]] = render(pattern, n, path)
    return cfg


def load_config(board="unix", net=None):
    """The board config with the user's --net file merged over it."""
    board_json = paths.board_dir(board) / "board.json"
    if not (paths.BOARDS / board / "startup.py").is_file():
        raise FleetError(f"{board} is a real board; a fleet runs desktop boards (unix)")
    try:
        cfg = netconfig.load(board_json, net)
    except netconfig.ConfigError as e:
        raise FleetError(f"config error: {e}") from None
    driver = (cfg.get("stack") or {}).get("driver", "native")
    if driver != "native":
        raise FleetError(f"stack.driver {driver}: a fleet's boards use the host's stack (native); "
                         f"run a modem board with `qpyshim run --modem`")
    identity(copy.deepcopy(cfg), 1)  # a bad pattern fails here, before any board starts
    return cfg


def lay_template(root, app, runtime="micropython", cfg=None):
    """The flash every board shares, laid out once by the runner's own
    layout_flash. On MicroPython the shim is then compiled to .mpy (as
    `qpyshim deploy` ships it) when this mpy-cross writes what the board
    loads: the unix port compiles every .py it imports at every boot, a
    third of what a booting echo-demo board costs (47 -> 31 ms of CPU here)."""
    tpl = Path(root) / "template"
    runner.layout_flash(tpl, app)
    if runtime == "cpython":
        from . import pycache

        pycache.lay(tpl / "shim")
    elif _mpy_ok(cfg):
        from . import mpy

        for src in sorted((tpl / "shim").rglob("*.py")):
            rel = src.relative_to(tpl).as_posix()
            src.with_suffix(".mpy").write_bytes(mpy.compile_source(src.read_bytes(), rel))
            src.unlink()  # MicroPython imports foo.py before foo.mpy
    return tpl


def _mpy_ok(cfg):
    t = (cfg or {}).get("target") or {}
    try:
        from . import mpy

        return bool(t.get("mpy")) and mpy.compatible(tuple(t["mpy"]))
    except Exception:  # noqa: BLE001  no mpy-cross here: the shim stays source, as `qpyshim run` lays it
        return False


def lay_board(root, tpl, name):
    """A board's flash: /usr and /bak copied (the app writes there), the
    rest shared with the template: the shim's folder a symlink, boot.py and
    main.py hard links (the board only reads them; a copy of the shim per
    board costs a 200-board fleet seconds of the supervisor's time)."""
    dest = Path(root) / name
    dest.mkdir()
    for entry in os.scandir(tpl):
        if entry.name in ("usr", "bak"):
            shutil.copytree(entry.path, dest / entry.name)
        elif entry.is_dir():
            os.symlink(entry.path, dest / entry.name)
        else:
            try:
                os.link(entry.path, dest / entry.name)
            except OSError:
                shutil.copy2(entry.path, dest / entry.name)
    return dest


def board_config(base, n, block, control=None):
    """Device n's config: its identity, its addresses in its block (the
    runner's own move), and its control channel's host (a BoardControl)."""
    cfg = copy.deepcopy(base)
    identity(cfg, n)
    cfg.pop("fleet", None)
    boardblock.move(cfg, block.index)
    if control is not None:
        cfg.update(control.config())
    return cfg


def _raise_nofile():
    """The soft limit on open files up to the hard one: the supervisor holds
    three per board (its output pipe, its pidfd, its control socket), past
    the usual 1024 for a few hundred boards."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard and (hard == resource.RLIM_INFINITY or soft < hard):
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def spawn(cmd, env, flash):
    """Power the board on: its output (stdout and stderr) on one pipe; a
    process group of its own, and it dies with this process (as the runner's)."""
    return subprocess.Popen(cmd, env=env, cwd=flash, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT,
                            preexec_fn=functools.partial(runner.board_preexec, os.getpid()))
