# Stand-in for the ESP32's `esp32` module on the unix port: the flash's
# partitions as block devices (esp32.Partition), each over an image file the
# emulator attaches, so a LittleFS image mounts as the board's _boot.py mounts
# its "vfs" partition. Names and numbers follow the micropython-esp32-stubs
# (qpyshim.standincheck); the rest of the module the shim never uses.
_images = {}  # partition label -> the image file standing in for it


def attach(label, path):
    _images[label] = path


class Partition:
    BOOT = 0
    RUNNING = 1
    TYPE_APP = 0
    TYPE_DATA = 1

    def __init__(self, id, block_size=4096):
        if id not in _images:
            raise ValueError("partition not found")
        self.label = id
        self.block = block_size
        self.f = open(_images[id], "r+b")
        self.f.seek(0, 2)
        self.size = self.f.tell()

    @staticmethod
    def find(type=TYPE_APP, subtype=255, label=None):
        if type != Partition.TYPE_DATA:
            return []
        return [Partition(k) for k in _images if label is None or k == label]

    def info(self):
        # (type, subtype, address, size, label, encrypted); 0x81 is ESP-IDF's FAT/"vfs" data subtype
        return (self.TYPE_DATA, 0x81, 0, self.size, self.label, False)

    def readblocks(self, block_num, buf, offset=0):
        self.f.seek(block_num * self.block + offset)
        self.f.readinto(buf)

    def writeblocks(self, block_num, buf, offset=0):
        self.f.seek(block_num * self.block + offset)
        self.f.write(buf)

    def ioctl(self, op, arg=None):
        if op == 4:  # block count
            return self.size // self.block
        if op == 5:  # block size
            return self.block
        return 0  # init, deinit, sync, erase (LittleFS needs no erase here)
