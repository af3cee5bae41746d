"""uos: the module's file system (/usr user flash, /bak backup)."""
from conformance._kit import R, Raises

D = "DOC API_reference/en/stdlib/uos.md"
ST = "STUB uos.pyi"
FS = "DOC FAQ/en/software/os.md"
BOOT = "SRC25 ports/quectel/py/_boot.py"

PRELUDE = r'''
import uos


def made():
    # a fresh /usr/d holding f.txt (5 bytes) for each row
    if 'd' in uos.listdir('/usr'):
        for n in uos.listdir('/usr/d'):
            uos.remove('/usr/d/' + n)
        uos.rmdir('/usr/d')
    uos.mkdir('/usr/d')
    f = open('/usr/d/f.txt', 'w')
    f.write('12345')
    f.close()
    return {}
'''

ROWS = [
    R(None, "uos.getcwd()", "/", "DOC sbs/en/QuecPythonSys/filesystem.md getcwd at boot is '/'"),
    R(None, "sorted(uos.listdir('/'))", ["bak", "usr"], BOOT + " mounts /usr and /bak at the root"),
    R(None, "sorted(uos.listdir())", ["bak", "usr"], ST + " listdir(dir='/'); CHOICE #37"),
    R(None, "'main.py' in uos.listdir('/usr')", True, D + " listdir('/usr'): the app's files"),
    R(None, "type(uos.listdir('/usr')).__name__", "list", D + " listdir -> list; CHOICE #21"),
    R(None, "[e[0] for e in uos.ilistdir('/usr')]", ["main.py"], D + " ilistdir -> (name, type, inode...)"),
    R(None, "len(uos.uname())", 6, D + " uname -> tuple of 'key=value' strings"),
    R(None, "uos.uname()[0]", "sysname=EC600U-CNLB", D + " uname sysname=<model>"),
    R(None, "uos.uname()[1]", "nodename=EC600U", "SRC25 ports/quectel/py/umqtt.py reads the platform from uname()[1]"),
    R(None, "uos.uname()[0].split('=')[1]", "EC600U-CNLB", D + " uname()[0].split('=')[1]"),
    R(None, "uos.uname2().sysname", "EC600U-CNLB", D + " uname2 -> named tuple"),
    R(None, "uos.uname2().machine", "EC600U with QUECTEL", D + " uname2 machine"),
    R(None, "uos.sep", "/", ST + " sep"),
    R(None, "len(uos.urandom(8))", 8, D + " urandom(n) -> n bytes"),
    R(None, "len(uos.statvfs('/usr'))", 10, D + " statvfs -> 10-tuple"),
    R(None, "uos.statvfs('/usr')[0] * uos.statvfs('/usr')[2] < 64 * 1024 * 1024", True,
      "DOC Quecpython_intro/en/Qp_Hw_EC600X/Hardware_Support_EC600X.md: /usr is the module's user flash (a few MB)"),
    R("made", "uos.stat('/usr/d/f.txt')[6]", 5, D + " stat -> size at [6]"),
    R("made", "uos.stat('/usr/d')[0] & 0x4000 != 0", True, D + " stat: a folder's mode"),
    R("made", "(uos.rename('/usr/d/f.txt', '/usr/d/g.txt'), uos.listdir('/usr/d'))", (None, ["g.txt"]), D + " rename(old, new)"),
    R("made", "(uos.remove('/usr/d/f.txt'), uos.listdir('/usr/d'))", (None, []), D + " remove(path)"),
    R("made", "(uos.remove('/usr/d/f.txt'), uos.rmdir('/usr/d'), 'd' in uos.listdir('/usr'))", (None, None, False), D + " rmdir(path)"),
    R(None, "uos.stat('/usr/none')", Raises("OSError", 2), D + " stat of a missing file -> OSError(ENOENT)"),
    R(None, "uos.remove('/usr/none')", Raises("OSError", 2), D + " remove of a missing file -> OSError(ENOENT)"),
    R(None, "(uos.chdir('/usr'), uos.getcwd(), 'main.py' in uos.listdir(uos.getcwd()), uos.chdir('/'))", (None, "/usr", True, None),
      D + " chdir / getcwd"),
    R(None, "open('/usr/t.txt', 'w').write('abc')", 3, FS + " user files go to /usr"),
    R(None, "(open('/usr/t2.txt', 'w').write('abc'), open('/usr/t2.txt').read())", (3, "abc"), FS + " read back from /usr"),
    R(None, "open('/etc/hostname')", Raises("OSError", 2), FS + " only /usr (and /bak) exist: anything else ENOENT"),
    R(None, "uos.listdir('/bak')", [], BOOT + " mounts the backup partition at /bak"),
    R(None, "open('/bak/x.txt', 'w')", Raises("OSError"),
      "DOC Quecpython_intro/en/Qp_Hw_EC600X/Hardware_Support_EC600X.md: /bak is not writable by the user; " + FS,
      missing="/bak is writable by the app; the module's backup partition is not"),
    R(None, "open('/usr/none.txt')", Raises("OSError", 2), FS + " open of a missing file -> ENOENT"),
]
