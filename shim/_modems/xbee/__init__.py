# The dialect package exports its driver as Driver: the shim finds a modem
# driver by its folder name alone (shim/_modems/__init__.py).
from .driver import XBee as Driver  # noqa: F401
