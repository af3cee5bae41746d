# QuecPython machine: the interpreter's machine module plus QuecPython's
# peripherals. On the desktop board UART is a pty or serial device from the
# board config, Pin/ExtInt a simulated GPIO bank the control channel drives,
# Timer and WDT run on the shim's timer thread; a board's own UART backs UART
# there. Each class loads on first use.
from ._ports import port as _p

_WHERE = {"UART": "_lib.uart", "Pin": "_lib.gpio", "ExtInt": "_lib.gpio", "Timer": "_lib.mtimer",
          "WDT": "_lib.mtimer", "RTC": "_lib.mtimer"}

if _p.machine is not None:
    for _k in dir(_p.machine):
        if not _k.startswith("__") and _k not in _WHERE:
            globals()[_k] = getattr(_p.machine, _k)


def __getattr__(name):
    mod = _WHERE.get(name)
    if mod is None:
        raise AttributeError(name)
    from ._lib import later

    # not copied into this module's globals: no GIL, and other threads read them
    return getattr(later.part(mod), name)
