# Share the module's cellular data with a PC over USB (RNDIS), as
# QuecPython's USB network examples do: make sure the USB network function
# is in RNDIS mode (set it and restart once if not), wait for the data call,
# open the USB network, and answer on a small TCP status port.
import _thread
import checkNet
import dataCall
import log
import ql_fs
import usocket
import usys
import utime
from misc import Power, USBNET

from usr.usbnet import ensure_worktype, open_usbnet

CONFIG = "/usr/usbnet_config.json"
log.basicConfig(level=log.INFO)
logger = log.getLogger("App")


def status_line():
    return "worktype=%d status=%d reason=%d ip=%s\r\n" % (
        USBNET.get_worktype(), USBNET.get_status(), Power.powerOnReason(), dataCall.getInfo(1, 0)[2][2])


def serve_status(port):
    ip = dataCall.getInfo(1, 0)[2][2]
    srv = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM)
    srv.bind((ip, port))
    srv.listen(2)
    logger.info("status on %s:%d", ip, port)
    while True:
        conn, cip, cport = srv.accept()
        try:
            conn.send(status_line())
        except OSError as e:
            usys.print_exception(e)
        conn.close()


def main():
    cfg = ql_fs.read_json(CONFIG)
    logger.info("power-on reason %d, USB network work type %d", Power.powerOnReason(), USBNET.get_worktype())
    if not ensure_worktype(cfg["worktype"]):
        return
    stage, state = checkNet.waitNetworkReady(30)
    if (stage, state) != (3, 1):
        logger.error("network not ready: %s", (stage, state))
        return
    while dataCall.getInfo(1, 0)[2][2] == "0.0.0.0":
        logger.info("waiting for the data call")
        utime.sleep(1)
    if not open_usbnet():
        logger.error("USBNET.open failed")
        return
    logger.info("USB network open: %s", status_line().strip())
    _thread.start_new_thread(serve_status, (cfg["status_port"],))


if __name__ == "__main__":
    main()
