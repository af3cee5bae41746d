# Runs a board filesystem on the unix port as an ESP32 runs it: stand-ins for
# network, socket and machine, the filesystem (a folder, or a LittleFS image
# through a block device like esp32.Partition) mounted at /, then boot.py and
# main.py in one namespace.
#   micropython emulate.py --dir FLASH_DIR | --image FS.IMG
import sys
import esp32_socket
import esp32_machine
import network  # noqa: F401  the stand-in, found next to this file

sys.modules["socket"] = esp32_socket
sys.modules["machine"] = esp32_machine

import os  # noqa: E402
import vfs  # noqa: E402


class FileBlocks:
    """A block device over an image file: the 4096-byte blocks of a partition."""

    def __init__(self, path, block=4096):
        self.f = open(path, "r+b")
        self.block = block
        self.f.seek(0, 2)
        self.count = self.f.tell() // block

    def readblocks(self, n, buf, off=0):
        self.f.seek(n * self.block + off)
        self.f.readinto(buf)

    def writeblocks(self, n, buf, off=0):
        self.f.seek(n * self.block + off)
        self.f.write(buf)

    def ioctl(self, op, arg):
        if op == 4:
            return self.count
        if op == 5:
            return self.block
        return 0  # init, deinit, sync, erase (littlefs needs no erase here)


kind, path = sys.argv[1], sys.argv[2]
fs = vfs.VfsLfs2(FileBlocks(path)) if kind == "--image" else vfs.VfsPosix(path)
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
