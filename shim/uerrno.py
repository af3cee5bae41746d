# QuecPython's uerrno, placed for apps on an ESP32 (the port's STANDINS;
# elsewhere the interpreter's own numbers are Linux's, as the module's). The
# board's own errno module carries newlib's numbers (ETIMEDOUT 116), while the
# shim hands the app the module's (110, ERRNO in _ports/esp32): an app comparing
# e.args[0] with uerrno.ETIMEDOUT must find the same number in both places.
# The names are MicroPython's own errno list (py/mperrno.h with its internal
# table, Linux's numbering), which is QuecPython's.
EPERM = 1
ENOENT = 2
EIO = 5
EBADF = 9
EAGAIN = 11
EWOULDBLOCK = 11
ENOMEM = 12
EACCES = 13
EEXIST = 17
ENODEV = 19
EISDIR = 21
EINVAL = 22
EOPNOTSUPP = 95
EADDRINUSE = 98
ECONNABORTED = 103
ECONNRESET = 104
ENOBUFS = 105
ENOTCONN = 107
ETIMEDOUT = 110
ECONNREFUSED = 111
EHOSTUNREACH = 113
EALREADY = 114
EINPROGRESS = 115

errorcode = {v: k for k, v in globals().items() if k[:1] == "E" and k != "EWOULDBLOCK"}
