# Runs after boot.py: the QuecPython app at /usr/main.py, as the module does.
import sys
from shim import _app

sys.exit(_app.run())
