"""`qpyshim deploy`: copy the shim and an app to a board over its REPL with
mpremote's transport, only the files whose contents differ on the board, then
soft-reset it so the app starts. Every wait on the board is bounded
(qpyshim/replink.py); an app that will not give up the REPL gets a message
naming --reset, which restarts the board first."""

import ast
import json
import sys
import time

from mpremote.transport import TransportError

from . import boardfiles, netconfig, replink

WAIT = 10.0  # default seconds for the board's REPL to come
# After a hard reset: Ctrl-C this often while the board boots, to land one
# before the app's own loop (one that catches Ctrl-C) is reached.
BOOT_STEP = 0.1

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

MANIFEST = ".qpyshim-deployed.json"  # what the last deploy put there, to remove leftovers
# Bytes per write command: each is one exec on the board, so fewer, larger
# ones copy the shim's ~65 KB several times faster than mpremote's 256; the
# command text (up to 4x the bytes, escaped) stays small for a board's heap.
CHUNK = 1024


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


def main(port, app, board=None, use_mpy=True, config=None, follow=False, reset=False, wait=WAIT):
    try:  # a bad --config is refused before the board is touched
        if board:
            boardfiles.load_config(board, config)
        elif config:
            netconfig.read(config)  # the board is asked what it is later: the file alone for now
    except netconfig.ConfigError as e:
        print(f"qpyshim: config error: {e}", file=sys.stderr)
        return 2
    try:
        link = replink.Link(port)
    except replink.LINK_ERRORS as e:
        print(f"qpyshim: cannot open {port}: {e}", file=sys.stderr)
        return 2
    try:
        if reset:
            print(f"reset: {link.hard_reset()}", flush=True)
            link.take_repl(wait, step=BOOT_STEP)
        else:
            link.take_repl(wait)  # interrupts the running app, keeps the board up
        return _deploy(link, port, app, board, use_mpy, config, follow, wait)
    except replink.NoRepl as e:
        print(_no_repl(port, wait, reset, *e.args), file=sys.stderr)
        return 1
    except replink.ResetError as e:
        print(f"qpyshim: cannot reset the board on {port}: {e}", file=sys.stderr)
        return 2
    except replink.LINK_ERRORS as e:
        print(f"qpyshim: {port}: {e or type(e).__name__}", file=sys.stderr)
        return 1
    finally:
        link.close()


def _no_repl(port, wait, reset, interrupts, output):
    said = output.decode("utf-8", "replace").strip()[-300:]
    lines = [f"qpyshim: the board on {port} did not give up its REPL within {wait:g} s "
             f"({interrupts} Ctrl-C sent)."]
    if not output:
        lines.append("  It said nothing at all: is a MicroPython board on this port, at 115200 baud?")
    elif reset:
        lines.append("  Not even while it restarted: its app catches Ctrl-C from its first lines. "
                     "Write the board afresh (qpyshim flash --erase --firmware ...).")
    else:
        lines.append("  Its app keeps running after Ctrl-C: it catches KeyboardInterrupt "
                     "(a bare `except:`) and a loop or thread keeps it up.")
        lines.append("  Run deploy again with --reset: it restarts the board (DTR/RTS as esptool "
                     "does; a `qpyshim board` restarts its interpreter) and stops the app as it starts.")
    if said:
        lines.append("  The board's last words: " + said.replace("\r\n", "\n  | "))
    return "\n".join(lines)


def _deploy(link, port, app, board, use_mpy, config, follow, wait):
    t = link.t
    kind, device_mpy, shim = link.probe()
    board = board or kind
    if board is None:
        print("qpyshim: cannot tell what board this is; pass --board esp32|quectel|unix",
              file=sys.stderr)
        return 2
    if kind:
        print(f"{port}: {kind} board" + (", running the shim" if shim else ""), flush=True)
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
    _prune(t, gone, names, root)
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
    got, _ = link.wait_for((b"soft reboot\r\n",), time.monotonic() + wait)
    if got is None:
        print("qpyshim: the board did not confirm the soft reset", file=sys.stderr)
        return 1
    print("soft reset: the app is starting")
    if follow:
        _follow(t)
    return 0


def _prune(t, gone, names, root):
    """Remove the folders the removed files leave empty (a package dropped
    from the shim or the app), deepest first; one still holding anything,
    the user's own files included, stays."""
    keep = {n.rsplit("/", 1)[0] for n in names}
    dirs = set()
    for n in gone:
        d = n.rsplit("/", 1)[0]
        while len(d) > len(root.rstrip("/")) and d not in keep:
            dirs.add(d)
            d = d.rsplit("/", 1)[0]
    for d in sorted(dirs, key=lambda d: -d.count("/")):
        if any(k.startswith(d + "/") for k in keep):
            continue
        try:
            if t.fs_exists(d) and not t.fs_listdir(d):
                t.fs_rmdir(d)
        except TransportError:
            pass


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
