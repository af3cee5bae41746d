# QuecPython uos: the interpreter's os functions; on the desktop board /usr is
# the app's own folder.
from ._port import port as _p

_o = _p.os
sep = "/"
listdir = _o.listdir
ilistdir = _o.ilistdir
stat = _o.stat
statvfs = _o.statvfs
mkdir = _o.mkdir
rmdir = _o.rmdir
remove = _o.remove
unlink = _o.unlink
rename = _o.rename
chdir = _o.chdir
getcwd = _o.getcwd
getenv = _o.getenv
urandom = _o.urandom
