"""What qpyshim/standincheck.py checks the ESP32 stand-ins (tests/esp32/)
against the pinned stubs with: the modules and names in scope, what the
stand-ins leave out or do differently on purpose (each with the reason the
report gives), and QuecPython's errno numbers for the board's errno names."""

# stub module -> (stand-in file, what is in scope: class names, "functions",
# "constants"; None for the whole module)
SCOPE = {
    "socket": ("esp32_socket.py", None),
    "network": ("network.py", ("WLAN", "LAN", "PPP", "constants")),
    "machine": ("esp32_machine.py", ("UART", "Pin", "WDT")),
    "esp32": ("esp32.py", None),
    "errno": ("esp32_errno.py", None),
}

# Names the stand-ins leave out on purpose (fnmatch patterns on the qualified
# name), with the reason the report gives.
LEFT_OUT = {
    "network": {
        "AUTH_*": "Wi-Fi security modes: the shim joins with ssid and password only",
        "MODE_*": "802.11 protocol modes: the shim never sets them",
        "PHY_KSZ8851SNL": "SPI Ethernet chips: the LAN link takes RMII PHYs only",
        "PHY_DM9051": "SPI Ethernet chips: the LAN link takes RMII PHYs only",
        "PHY_W5500": "SPI Ethernet chips: the LAN link takes RMII PHYs only",
        "PHY_LAN8670": "a 10BASE-T1S PHY: not among the LAN link's phy_type names",
        "STAT_NO_AP_FOUND_*": "finer no-AP reasons: the link reads STAT_NO_AP_FOUND and the four others",
        "WLAN.SEC_*": "Wi-Fi security modes: the shim joins with ssid and password only",
        "WLAN.BANDWIDTH_*": "channel widths: the shim never sets them",
        "WLAN.PROTOCOL_*": "802.11 protocol sets: the shim never sets them",
        "WLAN.PM_*": "power-save modes: the shim never sets them",
        "WLAN.csi_*": "channel state information: the shim never reads it",
        "WLAN.ipconfig": "the link reads ifconfig(), which every MicroPython since 1.0 has",
        "PPP.ipconfig": "the link reads ifconfig()",
        "PPP.poll": "the link polls isconnected()",
    },
    "machine": {
        "UART.irq": "UART IRQs: the shim's line reads with select.poll",
        "UART.init": "the shim opens a UART once, with all its settings",
        "UART.sendbreak": "the shim never sends a break",
        "UART.flush": "the shim's writes are not waited on",
        "UART.txdone": "the shim's writes are not waited on",
        "UART.readinto": "the shim's line reads with read(n)",
        "UART.readline": "the shim's line reads with read(n)",
    },
    "esp32": {
        "WAKEUP_*": "deep-sleep wake sources: misc.Power's power-down is machine.deepsleep()",
        "wake_on_*": "deep-sleep wake sources: misc.Power's power-down is machine.deepsleep()",
        "HEAP_*": "ESP-IDF heap introspection: the shim reads gc.mem_free()",
        "idf_heap_info": "ESP-IDF heap introspection: the shim reads gc.mem_free()",
        "raw_temperature": "the chip's sensor: the shim never reads it",
        "PCNT": "pulse counter: the shim never uses it",
        "NVS": "the shim's NV store is a file (shim/_ports/esp32 nv_path())",
        "ULP": "the ultra-low-power coprocessor: the shim never uses it",
        "RMT": "the remote-control peripheral: the shim never uses it",
        "Partition.set_boot": "OTA: the emulator boots the image it is given",
        "Partition.get_next_update": "OTA: the emulator boots the image it is given",
        "Partition.mark_app_valid_cancel_rollback": "OTA: the emulator boots the image it is given",
    },
}

# Differences the stand-ins keep on purpose: (module, qualified name, the
# mismatch as reported) -> why.
DIFFERS = {
    ("socket", "socket.__init__", "default of 'proto' is 0, the stub's is 6"):
        "modsocket.c's socket_make_new sets proto 0 when none is given (the stubs follow the docs)",
    ("machine", "UART.__init__", "'id' is required; the stub's default is ..."):
        "an ESP32 UART is opened by its number (the shim always passes it); the id-less form"
        " is the generic docs' overload",
    ("machine", "UART.__init__", "takes no keyword 'pins'"):
        "the ESP32's UART takes its pins as tx=/rx=/rts=/cts= (the shim's form); pins= is other ports'",
}

# QuecPython's numbers for the errno names the board's errno module has: the
# Linux numbers of MicroPython's internal table (py/mperrno.h with
# MICROPY_USE_INTERNAL_ERRNO 1, as the module and the unix port use).
QUECPYTHON_ERRNO = {
    "EPERM": 1, "ENOENT": 2, "EIO": 5, "EBADF": 9, "EAGAIN": 11, "ENOMEM": 12, "EACCES": 13,
    "EEXIST": 17, "ENODEV": 19, "EISDIR": 21, "EINVAL": 22, "EOPNOTSUPP": 95, "EADDRINUSE": 98,
    "ECONNABORTED": 103, "ECONNRESET": 104, "ENOBUFS": 105, "ENOTCONN": 107, "ETIMEDOUT": 110,
    "ECONNREFUSED": 111, "EHOSTUNREACH": 113, "EALREADY": 114, "EINPROGRESS": 115,
}
