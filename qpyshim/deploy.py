"""`qpyshim deploy`: copy the shim and an app to a board over its REPL with
mpremote's transport, only the files whose contents differ on the board, then
soft-reset it so the app starts."""

import ast
import json
import sys
import time

from mpremote.transport import TransportError
from mpremote.transport_serial import SerialTransport

from . import boardfiles, netconfig

# Runs on the board: the sha256 of each file, None where there is none.
# It keeps to what QuecPython (MicroPython 1.13, u-names only) has too.
_HASHES = """
try:
 import hashlib as _hl
except ImportError:
 import uhashlib as _hl
try:
 import binascii as _ba
except ImportError:
 import ubinascii as _ba
def _qh(p):
 try:
  f = open(p, 'rb')
 except OSError:
  return None
 h = _hl.sha256()
 b = bytearray(512)
 m = memoryview(b)
 while True:
  n = f.readinto(b)
  if not n:
   break
  h.update(m[:n])
 f.close()
 return _ba.hexlify(h.digest()).decode()
print(repr([_qh(p) for p in %r]))
del _qh
"""

_PROBE = """
import sys
try:
 import uos as _o
except ImportError:
 import os as _o
_u = getattr(_o, 'uname', None)
print(repr((sys.platform, str(_u()[0]) if _u else '', getattr(sys.implementation, '_mpy', 0))))
"""

MANIFEST = ".qpyshim-deployed.json"  # what the last deploy put there, to remove leftovers
# Bytes per write command: each is one exec on the board, so fewer, larger
# ones copy the shim's ~65 KB several times faster than mpremote's 256; the
# command text (up to 4x the bytes, escaped) stays small for a board's heap.
CHUNK = 1024


def identify(t):
    platform, sysname, mpy = ast.literal_eval(t.exec(_PROBE).decode().strip())
    if sysname.startswith("sysname="):
        kind = "quectel"
    elif platform == "esp32":
        kind = "esp32"
    elif platform == "linux":
        kind = "unix"  # `qpyshim board`
    else:
        kind = None
    return kind, ((mpy & 0xFF, (mpy >> 8) & 3) if mpy else None)


def remote_root(board):
    return "/usr/" if board == "quectel" else "/"  # a module's / is read-only


def _mkdirs(t, paths_, made):
    for p in paths_:
        parts = p.strip("/").split("/")[:-1]
        for i in range(1, len(parts) + 1):
            d = "/" + "/".join(parts[:i])
            if d in made:
                continue
            if not t.fs_exists(d):
                t.fs_mkdir(d)
            made.add(d)


def main(port, app, board=None, use_mpy=True, config=None, follow=False):
    try:
        t = SerialTransport(port, baudrate=115200)
    except TransportError as e:
        print(f"qpyshim: cannot open {port}: {e}", file=sys.stderr)
        return 2
    try:
        t.enter_raw_repl(soft_reset=False)  # interrupts the running app, keeps the board up
        kind, device_mpy = identify(t)
        board = board or kind
        if board is None:
            print("qpyshim: cannot tell what board this is; pass --board esp32|quectel|unix",
                  file=sys.stderr)
            return 2
        try:
            cfg = boardfiles.load_config(board, config)
        except netconfig.ConfigError as e:
            print(f"qpyshim: {e}", file=sys.stderr)
            return 2
        if device_mpy:  # what the board itself says beats the config
            cfg = netconfig.merge(cfg, {"target": {"mpy": list(device_mpy)}})
        files = boardfiles.collect(cfg, app, use_mpy)
        root = remote_root(board)
        if board == "quectel":  # only the app, and it already sits in usr/
            names = [root + f.path[len("usr/"):] for f in files]
        else:
            names = [root + f.path for f in files]
        theirs = ast.literal_eval(t.exec(_HASHES % (names,)).decode().strip())
        todo = [(n, f) for n, f, h in zip(names, files, theirs) if h != f.sha256]
        old = _previous(t, root + MANIFEST)
        gone = sorted(set(old) - set(names))
        for n in gone:
            if t.fs_exists(n):
                t.fs_rmfile(n)
        _mkdirs(t, [n for n, _ in todo], set())
        sent = 0
        for i, (n, f) in enumerate(todo, 1):
            print(f"  [{i}/{len(todo)}] {n} ({len(f.data)} bytes)", flush=True)
            t.fs_writefile(n, f.data, chunk_size=CHUNK)
            sent += len(f.data)
        if todo or gone or not old:
            t.fs_writefile(root + MANIFEST, json.dumps(names).encode())
        print(f"{board} at {port}: {len(todo)} of {len(files)} files copied ({sent} bytes), "
              f"{len(files) - len(todo)} unchanged, {len(gone)} removed")
        # Leave the raw REPL and press Ctrl-D at the prompt: the board reboots
        # and runs boot.py and main.py, so the app starts.
        t.exit_raw_repl()
        t.serial.write(b"\x04")
        data = t.read_until(1, b"soft reboot\r\n", timeout=10)
        if not data.endswith(b"soft reboot\r\n"):
            print("qpyshim: the board did not confirm the soft reset", file=sys.stderr)
            return 1
        print("soft reset: the app is starting")
        if follow:
            _follow(t)
        return 0
    except TransportError as e:
        print(f"qpyshim: {port}: {e}", file=sys.stderr)
        return 1
    finally:
        t.close()


def _previous(t, path):
    try:
        data = t.fs_readfile(path)
        names = json.loads(data)
        return names if isinstance(names, list) else []
    except (TransportError, OSError, ValueError):
        return []


def _follow(t):
    try:
        while True:
            n = t.serial.in_waiting
            data = t.serial.read(n or 1)
            if data:
                sys.stdout.buffer.write(data)
                sys.stdout.flush()
            else:
                time.sleep(0.05)
    except KeyboardInterrupt:
        pass
