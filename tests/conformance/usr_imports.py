"""How an app's own files are imported: /usr/main.py runs as __main__ with
the working folder at '/', so the app's modules are `usr.x` (or plain `x`
after sys.path.append('/usr/'))."""
from conformance._kit import R, Raises

FAQ = "DOC doc_en/FAQ/QuecPython_FAQ/QuecPython_FAQ.md Calls to multiple .py files"

FILES = {"helper.py": "X = 42\n", "pkg/inner.py": "Y = 7\n", "script.py": "print('script ran as', __name__)\n"}

PRELUDE = r'''
import usys, uos, example
'''

ROWS = [
    R(None, "__name__", "__main__", "SRC25 ports/quectel/main.c runs /usr/main.py as __main__; EX scripts guard with if __name__ == '__main__'"),
    R(None, "uos.getcwd()", "/", "DOC sbs/en/QuecPythonSys/filesystem.md the working folder is '/'"),
    R(None, "__import__('usr.helper').helper.X", 42, FAQ + ": from usr import helper; CHOICE #22"),
    R(None, "exec('from usr import helper') or 'imported'", "imported", FAQ + ": from usr import x"),
    R(None, "exec('from usr.helper import X') or 'imported'", "imported", FAQ + ": from usr.x import *"),
    R(None, "exec('from usr.pkg import inner') or 'imported'", "imported", "DTU code/dtu.py: from usr.modules.common import ..."),
    R(None, "'' in usys.path", True, "SRC21 ports/quectel/core/source/quecpython.c: sys.path is ['']; CHOICE #22"),
    R(None, "(usys.path.append('/usr/'), __import__('helper').X)", (None, 42), FAQ + ": sys.path.append('/usr/') then import x; CHOICE #22"),
    R(None, "example.exec('/usr/script.py')", None, "WIKI en-us/api/QuecPythonClasslib.md example.exec(filePath) runs a script"),
    R(None, "example.exec('/usr/nope.py')", Raises("OSError", "File path error or not exist: [/usr/nope.py]"),
      "WIKI en-us/api/QuecPythonClasslib.md example.exec: a missing file"),
    R(None, "__import__('no_such_module_here')", Raises("ImportError"), "MPY import of a missing module -> ImportError"),
]


def check_transcript(r, rt):
    assert "script ran as" in r.out, r  # example.exec ran the script
