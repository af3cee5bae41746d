# The ESP32 port's errno module: newlib's numbers (ESP-IDF's sys/errno.h), as
# the port is built with MICROPY_USE_INTERNAL_ERRNO 0; the names are the
# ones the v1.29 ESP32_GENERIC firmware lists (the pinned stubs' errno.pyi,
# which qpyshim/standincheck.py checks this file against).
EPERM = 1
ENOENT = 2
EIO = 5
EBADF = 9
EAGAIN = 11
ENOMEM = 12
EACCES = 13
EEXIST = 17
ENODEV = 19
EISDIR = 21
EINVAL = 22
EOPNOTSUPP = 95
ECONNRESET = 104
ENOBUFS = 105
ECONNREFUSED = 111
EADDRINUSE = 112
ECONNABORTED = 113
ETIMEDOUT = 116
EHOSTUNREACH = 118
EINPROGRESS = 119
EALREADY = 120
ENOTCONN = 128

errorcode = {v: k for k, v in globals().items() if k[:1] == "E"}
