# QuecPython log: levelled loggers writing "LEVEL:name:msg" lines (no time
# stamp) to usys.stderr, or to the UART / stdout set_output() names.
import sys
import _thread

CRITICAL = 50
ERROR = 40
WARNING = 30
INFO = 20
DEBUG = 10
NOTSET = 0

_NAMES = {CRITICAL: "CRIT", ERROR: "ERROR", WARNING: "WARN", INFO: "INFO", DEBUG: "DEBUG"}
_level = INFO
_out = sys.stderr
_loggers = {}
_lock = _thread.allocate_lock()
_wlock = _thread.allocate_lock()


class Logger:
    def __init__(self, name):
        self.name = name
        self.level = NOTSET

    def _effective(self):
        return self.level or _level

    def isEnabledFor(self, level):
        return level >= self._effective()

    def setLevel(self, level):
        self.level = _lvl(level)

    def log(self, level, msg, *args):
        if level >= self._effective():
            if args:
                msg = msg % args
            name = _NAMES.get(level) or "LVL%d" % level
            out = _out
            # The parts in turn, as the module's print(level, ":", name, ":",
            # msg, sep="") writes them: a message of hundreds of KB is never
            # copied into a second, bigger line. The lock keeps threads' lines whole.
            with _wlock:
                out.write("%s:%s:" % (name, self.name))
                out.write(msg if type(msg) is str else str(msg))
                out.write("\n")
            if hasattr(out, "flush"):
                out.flush()  # a log file must hold the line as soon as it is written

    def debug(self, msg, *args):
        self.log(DEBUG, msg, *args)

    def info(self, msg, *args):
        self.log(INFO, msg, *args)

    def warning(self, msg, *args):
        self.log(WARNING, msg, *args)

    def error(self, msg, *args):
        self.log(ERROR, msg, *args)

    def critical(self, msg, *args):
        self.log(CRITICAL, msg, *args)


def getLogger(name="root"):
    with _lock:
        lg = _loggers.get(name)
        if lg is None:
            lg = _loggers[name] = Logger(name)
    return lg


def _lvl(level):
    # Checked when set: a level every later call compares against.
    if not isinstance(level, int):
        raise TypeError("level must be an int, not %s" % type(level).__name__)
    return level


def basicConfig(level=INFO, filename=None, stream=None, format=None):
    global _level, _out
    # Refused here: a stream without write(), or a file name that is not a
    # str (CPython would open that file descriptor), breaks every later log call.
    if stream and not hasattr(stream, "write"):
        raise TypeError("stream must have a write() method")
    if filename is not None and not isinstance(filename, str):
        raise TypeError("filename must be a str")
    _level = _lvl(level)
    if stream:
        _out = stream
    elif filename is not None:
        # The module only says "filename arg is not supported"; the desktop
        # keeps a log file, which an app written for the module never asks for.
        _out = open(filename, "a")
    if format is not None:
        print("logging.basicConfig: format arg is not supported")


def set_output(out):
    global _out
    from shim._lib.later import part

    UART = part("_lib.uart").UART

    if not (isinstance(out, UART) or out is sys.stdout or out is sys.stderr):
        raise Exception("%s must extend UART" % (out,))
    _out = out
