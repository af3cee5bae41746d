# The desktop board's "firmware": what a board does at power-on, run boot.py
# then main.py from the root of its flash. The runner passes that root in
# QPYSHIM_FLASH. Plain Python, so it runs on MicroPython and on CPython.
import os
import sys

root = os.getenv("QPYSHIM_FLASH")
if not root:
    print("qpyshim: QPYSHIM_FLASH is not set; start apps with `qpyshim run`")
    sys.exit(2)
sys.path[0] = root
_open = open  # boot.py makes the builtin open the app's, which sees only /usr and /bak
for name in ("boot.py", "main.py"):
    path = root + "/" + name
    with _open(path) as f:
        code = compile(f.read(), path, "exec")
    del f  # the heap the app starts with holds only what boot.py put in place
    exec(code, {"__name__": "__main__", "__file__": path})
