# What case files share (device side, both interpreters).
import sys

RUNTIME = sys.implementation.name  # "micropython" or "cpython", as the tests' board.runtime


class Skip(Exception):
    """Raised by a case that cannot run here (the runner reports a skip)."""


def err(f, *a):
    # what a call raises, in one comparable shape (tests/conftest.py's PRELUDE is this)
    try:
        f(*a)
    except Exception as e:
        n = e.args[0] if e.args else None
        # CPython raises errno subclasses (TimeoutError...); QuecPython code sees OSError
        return ('OSError' if isinstance(e, OSError) else type(e).__name__, n, str(e))
    return None
