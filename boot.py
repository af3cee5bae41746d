# Runs first on every board: install the QuecPython layer before the app.
# A Quectel module has the real modules built in, so there nothing is done.


def _on_quectel():
    try:
        import uos
    except ImportError:
        import os as uos  # CPython
    try:
        # QuecPython's uname() is a tuple of "key=value" strings
        # ('sysname=EC600U-CNLB', ...); everywhere else sysname is a bare name.
        return uos.uname()[0].startswith("sysname=")
    except (AttributeError, IndexError, TypeError):
        return False


if not _on_quectel():
    import shim

    shim.install()
del _on_quectel
