# An uplink driven by events, as QuecPython apps keep a link up: the
# dataCall callback says when the data call drops and comes back, an osTimer
# paces the heartbeat, and one worker thread owns the TCP connection: it
# closes it when the call drops, opens a new session when it returns, and
# sends a heartbeat on each tick while connected.
import _thread
import checkNet
import dataCall
import log
import modem
import osTimer
import ql_fs
import usocket
import usys

from usr import events

CONFIG = "/usr/link_config.json"
log.basicConfig(level=log.INFO)
logger = log.getLogger("Link")


def on_datacall(args):
    # (profileID, state, simID)
    events.post(events.DATACALL, args)


def on_tick(arg):
    events.post(events.TICK)


class Uplink:
    def __init__(self, cfg):
        # A digit string, as configuration tools write it; connect() takes it.
        self.addr = (cfg["server"]["ip"], cfg["server"]["port"])
        self.period = cfg["heartbeat_ms"]
        self.timer = osTimer()
        self.sock = None
        self.session = 0
        self.beats = 0
        self.imei = modem.getDevImei()

    def open(self):
        sock = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM)
        sock.settimeout(10)
        try:
            sock.connect(self.addr)
        except Exception as e:
            sock.close()
            logger.error("connect to %s:%s failed: %s", self.addr[0], self.addr[1], e)
            return False
        self.sock = sock
        self.session += 1
        self.beats = 0
        sock.send("HELLO %s session=%d\r\n" % (self.imei, self.session))
        self.timer.start(self.period, 1, on_tick)
        logger.info("session %d open", self.session)
        return True

    def close(self):
        self.timer.stop()
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def beat(self):
        if self.sock is None:
            return
        self.beats += 1
        try:
            self.sock.send("HB session=%d n=%d\r\n" % (self.session, self.beats))
        except OSError as e:
            # 103: the data call went under the connection; its event follows
            logger.warning("heartbeat failed: errno %d", e.args[0])
            self.close()

    def run(self):
        self.open()
        while True:
            kind, arg = events.next_event()
            try:
                if kind == events.TICK:
                    self.beat()
                elif arg[1] == 0:
                    logger.warning("data call %d down", arg[0])
                    self.close()
                else:
                    logger.info("data call %d up: %s", arg[0], dataCall.getInfo(arg[0], 0)[2][2])
                    self.close()
                    self.open()
            except Exception as e:
                usys.print_exception(e)


def main():
    cfg = ql_fs.read_json(CONFIG)
    stage, state = checkNet.waitNetworkReady(30)
    if (stage, state) != (3, 1):
        logger.error("network not ready: %s", (stage, state))
        return
    dataCall.setCallback(on_datacall)
    _thread.start_new_thread(Uplink(cfg).run, ())


if __name__ == "__main__":
    main()
