"""The virtual board's reset line. A pty has no modem-control lines (DTR/RTS
ioctls on it fail with ENOTTY), so `qpyshim board` takes the hard reset that
a USB-serial adapter's DTR/RTS gives an ESP32 on a unix socket instead, at a
path made from its device's name: /dev/pts/7 -> <tmp>/qpyshim-board-<uid>/pts-7/reset.

Protocol: connect, send one line "reset\\n"; the board restarts its
interpreter as at power-on (boot.py, then main.py) and answers "ok\\n"."""

import os
import socket
import tempfile
import time
from pathlib import Path

TIMEOUT = 5.0  # the board answers at once; this bounds a wedged one


def control_dir(device):
    """The folder holding the reset socket of the board on `device` (a link
    to the pty counts as the pty)."""
    real = os.path.realpath(device)
    name = real[len("/dev/"):] if real.startswith("/dev/") else real.lstrip("/")
    uid = os.getuid() if hasattr(os, "getuid") else "user"  # Windows has no uid (nor ptys)
    return Path(tempfile.gettempdir()) / f"qpyshim-board-{uid}" / name.replace("/", "-")


def socket_path(device):
    return control_dir(device) / "reset"


def listen(device):
    """Bind the reset socket for the board on `device`; a leftover from a
    board that was killed goes first."""
    d = control_dir(device)
    d.parent.mkdir(mode=0o700, exist_ok=True)  # only this user may reset its boards
    if d.parent.stat().st_uid != os.getuid():
        raise PermissionError(f"{d.parent} belongs to another user")
    d.mkdir(exist_ok=True)
    path = d / "reset"
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(str(path))
    s.listen(4)
    s.setblocking(False)
    return s


def read_command(conn):
    """One command line from a client, within one second in all (the board's
    select loop waits for it); '' if none came."""
    end = time.monotonic() + 1.0
    data = b""
    try:
        while b"\n" not in data and len(data) < 64:
            conn.settimeout(max(0.0, end - time.monotonic()))
            chunk = conn.recv(64)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    return data.split(b"\n", 1)[0].decode("ascii", "replace").strip()


def request(device, command="reset"):
    """Send `command` to the virtual board on `device`. None when there is
    no virtual board there (no socket, or nobody listening on it); else its
    answer."""
    path = socket_path(device)
    if not path.exists():
        return None
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(TIMEOUT)
        try:
            s.connect(str(path))
        except (ConnectionRefusedError, FileNotFoundError):
            return None  # a board that died without removing it
        s.sendall(command.encode() + b"\n")
        data = b""
        while b"\n" not in data:
            chunk = s.recv(64)
            if not chunk:
                break
            data += chunk
    return data.decode("ascii", "replace").strip()
