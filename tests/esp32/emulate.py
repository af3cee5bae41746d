# Runs a board filesystem on the unix port as an ESP32 runs it: stand-ins for
# network, socket and machine, the filesystem (a folder, or a LittleFS image
# through the esp32 stand-in's Partition) mounted at /, then boot.py and
# main.py in one namespace.
#   micropython emulate.py --dir FLASH_DIR | --image FS.IMG
import sys
import esp32_socket
import esp32_machine
import esp32_errno
import network  # noqa: F401  the stand-in, found next to this file

sys.modules["socket"] = esp32_socket
sys.modules["machine"] = esp32_machine
sys.modules["errno"] = sys.modules["uerrno"] = esp32_errno  # newlib's numbers, as the board's

import os  # noqa: E402
import vfs  # noqa: E402
import esp32  # noqa: E402  the stand-in: partitions over image files

kind, path = sys.argv[1], sys.argv[2]
if kind == "--image":
    # as the board's _boot.py mounts its "vfs" partition
    esp32.attach("vfs", path)
    fs = vfs.VfsLfs2(esp32.Partition.find(esp32.Partition.TYPE_DATA, label="vfs")[0])
else:
    fs = vfs.VfsPosix(path)
vfs.umount("/")
vfs.mount(fs, "/")
os.chdir("/")
sys.path[:] = ["", ".frozen", "/lib"]  # as on the board

import shim  # noqa: E402  from the mounted filesystem

shim.PORT = "esp32"
print("emulate: shim from", shim.__file__)
g = {"__name__": "__main__"}
for name in ("boot.py", "main.py"):
    with open(name) as f:
        code = compile(f.read(), name, "exec")
    exec(code, g)
