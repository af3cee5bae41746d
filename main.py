# Runs after boot.py: the QuecPython app at /usr/main.py, as the module does.
from shim import _app

_app.done(_app.run())
