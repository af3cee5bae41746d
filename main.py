# Runs after boot.py: the QuecPython app at /usr/main.py, as the module does.
from shim._lib import app as _app

_app.done(_app.run())
