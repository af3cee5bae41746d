# Freezes qpyshim into a MicroPython firmware: the board runs the frozen
# boot.py (install the layer) and main.py (run /usr/main.py) instead of files on
# its filesystem, and the shim costs no RAM to load. Build with
#   make BOARD=ESP32_GENERIC FROZEN_MANIFEST=/abs/path/firmware/manifest.py
# from ports/esp32 of a MicroPython checkout (see README.md here).
#
# Written by `python -m qpyshim.shipping` from the layout of shim/ (the rule is
# in qpyshim/shipping.py); edit that, not this file.

# Everything the port freezes by itself (_boot.py, asyncio, mip, ...).
include("$(PORT_DIR)/boards/manifest.py")

# Relative paths resolve against this file's folder.
module("boot.py", base_path="..")
module("main.py", base_path="..")

# The shim a board of this port carries (no desktop modules, no other port).
package(
    "shim",
    files=[
        "__init__.py",
        "_lib/__init__.py",
        "_lib/adc.py",
        "_lib/app.py",
        "_lib/board.py",
        "_lib/clock.py",
        "_lib/cloud.py",
        "_lib/cloudsign.py",
        "_lib/config.py",
        "_lib/firewall.py",
        "_lib/gpio.py",
        "_lib/iplit.py",
        "_lib/later.py",
        "_lib/limits.py",
        "_lib/modem.py",
        "_lib/mqtt.py",
        "_lib/mtimer.py",
        "_lib/nic.py",
        "_lib/nv.py",
        "_lib/pdp.py",
        "_lib/power.py",
        "_lib/pwm.py",
        "_lib/radio.py",
        "_lib/saved.py",
        "_lib/sockargs.py",
        "_lib/sockcalls.py",
        "_lib/sockconn.py",
        "_lib/sockwait.py",
        "_lib/stack.py",
        "_lib/start.py",
        "_lib/threadapi.py",
        "_lib/timers.py",
        "_lib/tls.py",
        "_lib/uart.py",
        "_modems/__init__.py",
        "_modems/atline.py",
        "_modems/core.py",
        "_modems/eswifi/__init__.py",
        "_modems/eswifi/at.py",
        "_modems/eswifi/channel.py",
        "_modems/eswifi/driver.py",
        "_modems/eswifi/servers.py",
        "_modems/eswifi/wifi.py",
        "_modems/line.py",
        "_modems/sock.py",
        "_modems/telit/__init__.py",
        "_modems/telit/at.py",
        "_modems/telit/context.py",
        "_modems/telit/driver.py",
        "_modems/telit/replies.py",
        "_modems/telit/waits.py",
        "_modems/wip/__init__.py",
        "_modems/wip/bearer.py",
        "_modems/wip/codec.py",
        "_modems/wip/driver.py",
        "_modems/wip/uart.py",
        "_modems/wip/udp.py",
        "_modems/wip/urcs.py",
        "_modems/wip/waits.py",
        "_modems/xbee/__init__.py",
        "_modems/xbee/codec.py",
        "_modems/xbee/driver.py",
        "_ports/__init__.py",
        "_ports/boardnet.py",
        "_ports/common.py",
        "_ports/esp32/__init__.py",
        "_ports/esp32/calls.py",
        "_ports/esp32/line.py",
        "_ports/esp32/wlan.py",
        "_thread.py",
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

# QuecPython's modules beyond the interpreter's own names (qpyshim.shipping.lazy_modules()) load on
# first import; frozen, they are top-level modules the '.frozen' entry of
# sys.path finds.
module("TenCentYun.py", base_path="../shim", opt=1)
module("aLiYun.py", base_path="../shim", opt=1)
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
module("uerrno.py", base_path="../shim", opt=1)
module("umqtt.py", base_path="../shim", opt=1)
module("ussl.py", base_path="../shim", opt=1)
