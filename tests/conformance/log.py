"""log: QuecPython's levelled logger (9 of 31 sampled apps)."""
from conformance._kit import R, Raises

D = "DOC API_reference/en/syslib/log.md"
ST = "STUB log.pyi"
S = "SRC25 ports/quectel/py/log.py"

# Run as an app of its own, not in-process (tests/test_conformance.py):
OWN_PROCESS = "log writes to the interpreter's stderr, which a case cannot capture on MicroPython"

PRELUDE = r'''
import log, usys

# Lines logged before any basicConfig go to usys.stderr (check_transcript)
log.getLogger('first').info('to stderr %d', 1)
log.getLogger('first').debug('not shown')


class Cap:
    def __init__(self):
        self.buf = []

    def write(self, s):
        self.buf.append(s)

    def pop(self):
        s = ''.join(self.buf)
        self.buf = []
        return s


cap = Cap()


def at():
    log.basicConfig(level=log.INFO, stream=cap)
    cap.pop()
    return {'lg': log.getLogger('Quec')}


def said(f, *a):
    cap.pop()
    f(*a)
    return cap.pop()
'''

ROWS = [
    R(None, "(log.CRITICAL, log.ERROR, log.WARNING, log.INFO, log.DEBUG, log.NOTSET)", (50, 40, 30, 20, 10, 0),
      D + " Log Level constants; " + S),
    R(None, "log.getLogger('Quec') is log.getLogger('Quec')", True, D + " getLogger: the same object for the same name"),
    R(None, "log.getLogger().name", "root", D + " getLogger: name defaults to 'root'"),
    R(None, "log.getLogger('a') is log.getLogger('b')", False, D + " getLogger: one logger per name"),
    R(None, "log.basicConfig(level=log.INFO)", None, D + " basicConfig(level) returns None"),
    R("at", "said(lg.info, 'Test info message!!')", "INFO:Quec:Test info message!!\n", D + " info; " + S + " line LEVEL:name:msg"),
    R("at", "said(lg.error, 'Test error message!!')", "ERROR:Quec:Test error message!!\n", D + " error"),
    R("at", "said(lg.warning, 'w')", "WARN:Quec:w\n", S + " WARNING prints as WARN"),
    R("at", "said(lg.critical, 'c')", "CRIT:Quec:c\n", S + " CRITICAL prints as CRIT"),
    R("at", "said(lg.debug, 'd')", "", D + " basicConfig: only levels >= the set level (INFO by default)"),
    R("at", "said(lg.info, 'x=%d y=%s', 5, 'z')", "INFO:Quec:x=5 y=z\n", S + " Logger.info(msg, *args): %-formatting"),
    R("at", "said(lg.info, '100%')", "INFO:Quec:100%\n", S + " no args: the message is not %-formatted"),
    R("at", "said(lg.log, 25, 'custom')", "LVL25:Quec:custom\n", S + " Logger.log(level, msg): other levels as LVL<n>"),
    R("at", "lg.isEnabledFor(log.DEBUG)", False, S + " Logger.isEnabledFor"),
    R("at", "lg.isEnabledFor(log.ERROR)", True, S + " Logger.isEnabledFor"),
    R("at", "(log.basicConfig(level=log.DEBUG, stream=cap), said(lg.debug, 'd'))", (None, "DEBUG:Quec:d\n"),
      D + " basicConfig(level=log.DEBUG) shows debug"),
    R("at", "(log.basicConfig(level=log.ERROR, stream=cap), said(lg.warning, 'w'))", (None, ""), D + " basicConfig(level=log.ERROR) hides warnings"),
    R("at", "(lg.setLevel(log.DEBUG), said(lg.debug, 'd'), lg.setLevel(log.NOTSET))", (None, "DEBUG:Quec:d\n", None),
      S + " Logger.setLevel"),
    R("at", "said(log.getLogger().info, 'r')", "INFO:root:r\n", D + " getLogger() is 'root'"),
    R(None, "log.set_output(usys.stdout)", None, D + " set_output(usys.stdout)"),
    R(None, "log.set_output(usys.stderr)", None, S + " set_output: usys.stderr too"),
    R(None, "log.set_output(123)", Raises("Exception", text="must extend UART"), S + " set_output: anything else raises"),
    R(None, "(log.basicConfig(level=log.INFO, stream=cap), said(log.getLogger('big').info, 'x' * 20000) == 'INFO:big:' + 'x' * 20000 + '\\n')",
      (None, True), S + " Logger.log writes the whole line, however long"),
]


def check_transcript(r, rt):
    # DOC API_reference/en/syslib/log.md: output goes to the interaction port
    # by default; SRC25 log.py writes to usys.stderr
    assert "INFO:first:to stderr 1" in r.err, r
    assert "not shown" not in r.err + r.out, r
