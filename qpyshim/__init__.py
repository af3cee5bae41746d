"""qpyshim: run QuecPython apps on stock MicroPython and CPython."""

__version__ = "0.1.0"
