# Runs first on every board: install the QuecPython layer before the app.
import shim

shim.install()
