# Freezes qpyshim into a MicroPython firmware: the board runs the frozen
# boot.py (install the layer) and main.py (run /usr/main.py) instead of files on
# its filesystem, and the shim costs no RAM to load. Build with
#   make BOARD=ESP32_GENERIC FROZEN_MANIFEST=/abs/path/firmware/manifest.py
# from ports/esp32 of a MicroPython checkout (see README.md here).

# Everything the port freezes by itself (_boot.py, asyncio, mip, ...).
include("$(PORT_DIR)/boards/manifest.py")

# Relative paths resolve against this file's folder.
module("boot.py", base_path="..")
module("main.py", base_path="..")

# The shim without the modules only the desktop uses (the CPython and unix
# ports, the virtual network); tests/test_firmware.py keeps this list in step
# with shim/.
package(
    "shim",
    files=[
        "__init__.py",
        "_app.py",
        "_boardnet.py",
        "_config.py",
        "_console.py",
        "_esp32_link.py",
        "_firewall.py",
        "_limits.py",
        "_modem.py",
        "_nic.py",
        "_port.py",
        "_port_esp32.py",
        "_sockargs.py",
        "_sockcalls.py",
        "_thread.py",
        "checkNet.py",
        "dataCall.py",
        "ethernet.py",
        "log.py",
        "machine.py",
        "uos.py",
        "usocket.py",
        "utime.py",
    ],
    base_path="..",
    opt=1,
)
