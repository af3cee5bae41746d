# QuecPython machine: the interpreter's machine module plus the names QuecPython
# apps reference. UART carries the port constants only; the desktop board has
# no serial ports yet, so opening one raises.
from ._port import port as _p

if _p.machine is not None:
    for _k in dir(_p.machine):
        if not _k.startswith("__"):
            globals()[_k] = getattr(_p.machine, _k)


class UART:
    UART0 = 0
    UART1 = 1
    UART2 = 2
    UART3 = 3
    UART4 = 4

    def __init__(self, port, *args):
        raise OSError("machine.UART%d: the desktop board has no serial ports" % port)
