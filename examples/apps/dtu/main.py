# A DTU (data transfer unit) in the style of QuecPython's DTU solution:
# settings from /usr/dtu_config.json, the APN checked (set and restarted
# once if wrong), then bytes from UART2 go to a TCP server and the server's
# bytes go out of UART2; a heartbeat string goes up when the link is quiet.
import _thread
import checkNet
import dataCall
import log
import ql_fs
import usocket
import usys
import utime
from misc import Power

from usr.apn import check_apn
from usr.serial import Serial

PROJECT_NAME = "QuecPython_DTU"
PROJECT_VERSION = "2.1.0"
CONFIG = "/usr/dtu_config.json"

log.basicConfig(level=log.INFO)
logger = log.getLogger("DTU")


class Dtu:
    def __init__(self, cfg):
        self.cfg = cfg
        self.serial = Serial(**cfg["uart"])
        self.sock = None
        self.lock = _thread.allocate_lock()

    def connect(self):
        srv = self.cfg["server"]
        addr = usocket.getaddrinfo(srv["host"], srv["port"])[0][-1]
        sock = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, usocket.IPPROTO_TCP)
        sock.settimeout(self.cfg["heartbeat"]["interval_s"])
        sock.connect(addr)
        with self.lock:
            self.sock = sock
        logger.info("connected to %s:%d", addr[0], addr[1])

    def send(self, data):
        with self.lock:
            if self.sock is None:
                return False
            self.sock.send(data)
        return True

    def uplink(self):
        while True:
            data = self.serial.read()
            try:
                if not self.send(data):
                    logger.warning("offline: %d bytes from the UART dropped", len(data))
            except OSError as e:
                logger.warning("send failed: errno %d", e.args[0])

    def downlink(self):
        while True:
            try:
                self.connect()
                while True:
                    try:
                        data = self.sock.recv(1024)
                    except OSError as e:
                        if e.args[0] != 110:
                            raise
                        self.send(self.cfg["heartbeat"]["data"])  # quiet: a heartbeat (str)
                        continue
                    if not data:
                        break
                    self.serial.write(data)
            except Exception as e:
                usys.print_exception(e)
            with self.lock:
                if self.sock is not None:
                    self.sock.close()
                self.sock = None
            logger.warning("server link lost; again in 5 s")
            utime.sleep(5)


def main():
    cfg = ql_fs.read_json(CONFIG)
    if cfg is None:
        logger.error("no %s", CONFIG)
        return
    logger.info("%s %s, power-on reason %d", PROJECT_NAME, PROJECT_VERSION, Power.powerOnReason())
    if not check_apn(cfg["apn"]):
        return
    stage, state = checkNet.waitNetworkReady(30)
    if (stage, state) != (3, 1):
        logger.error("network not ready: %s", (stage, state))
        return
    logger.info("data call: %s", dataCall.getInfo(1, 0))
    dtu = Dtu(cfg)
    _thread.start_new_thread(dtu.downlink, ())
    _thread.start_new_thread(dtu.uplink, ())


if __name__ == "__main__":
    main()
