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
# ports, the virtual network); tests/test_boards.py keeps these lists in step
# with shim/.
package(
    "shim",
    files=[
        "__init__.py",
        "_app.py",
        "_atline.py",
        "_boardnet.py",
        "_adc.py",
        "_cloud.py",
        "_cloudsign.py",
        "_config.py",
        "_console.py",
        "_esp32_link.py",
        "_eswifi.py",
        "_eswifi_at.py",
        "_eswifi_link.py",
        "_firewall.py",
        "_gpio.py",
        "_iplit.py",
        "_limits.py",
        "_mcore.py",
        "_mline.py",
        "_modem.py",
        "_modemnet.py",
        "_mqtt.py",
        "_msock.py",
        "_mtimer.py",
        "_nic.py",
        "_nv.py",
        "_pwm.py",
        "_port.py",
        "_port_esp32.py",
        "_sockargs.py",
        "_sockcalls.py",
        "_stack.py",
        "_telit.py",
        "_telit_at.py",
        "_telit_link.py",
        "_thread.py",
        "_timers.py",
        "_tls.py",
        "_uart.py",
        "_wip.py",
        "_wip_codec.py",
        "_wip_line.py",
        "_wip_rx.py",
        "_wip_udp.py",
        "_xbee.py",
        "checkNet.py",
        "dataCall.py",
        "machine.py",
        "osTimer.py",
        "uos.py",
        "usocket.py",
        "utime.py",
        "uwebsocket.py",
    ],
    base_path="..",
    opt=1,
)

# QuecPython's modules beyond the interpreter's own names (shim.LAZY) load on
# first import; frozen, they are top-level modules the '.frozen' entry of
# sys.path finds.
module("ethernet.py", base_path="../shim", opt=1)
module("example.py", base_path="../shim", opt=1)
module("log.py", base_path="../shim", opt=1)
module("misc.py", base_path="../shim", opt=1)
module("modem.py", base_path="../shim", opt=1)
module("net.py", base_path="../shim", opt=1)
module("ntptime.py", base_path="../shim", opt=1)
module("ql_fs.py", base_path="../shim", opt=1)
module("queue.py", base_path="../shim", opt=1)
module("request.py", base_path="../shim", opt=1)
module("sim.py", base_path="../shim", opt=1)
module("sys_bus.py", base_path="../shim", opt=1)
module("umqtt.py", base_path="../shim", opt=1)
module("ussl.py", base_path="../shim", opt=1)
module("aLiYun.py", base_path="../shim", opt=1)
module("TenCentYun.py", base_path="../shim", opt=1)
