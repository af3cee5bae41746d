# A meter reporting to Alibaba Cloud IoT with QuecPython's aLiYun client: it
# posts its properties (Alink JSON) every report_s and whenever they change,
# and takes property "set" requests from the cloud (LightSwitch, report_s),
# replying to each. The MQTT callback only queues; one worker acts.
import _thread
import checkNet
import log
import net
import ql_fs
import usys
import utime
from aLiYun import aLiYun
from queue import Queue

from usr.alink import Alink

PROJECT_NAME = "QuecPython_Aliyun_Meter"
PROJECT_VERSION = "1.3.0"
CONFIG = "/usr/cloud_config.json"

log.basicConfig(level=log.INFO)
logger = log.getLogger("Cloud")
checknet = checkNet.CheckNetwork(PROJECT_NAME, PROJECT_VERSION)


class Meter:
    def __init__(self, cfg):
        self.cfg = cfg
        self.alink = Alink(cfg["productKey"], cfg["DeviceName"])
        self.props = {"LightSwitch": 0, "CSQ": 0}
        self.report_s = cfg["report_s"]
        self.inbox = Queue(10)
        self.cloud = aLiYun(cfg["productKey"], cfg["productSecret"], cfg["DeviceName"],
                            cfg["DeviceSecret"], cfg["MqttServer"])

    def on_message(self, topic, msg):
        self.inbox.put((topic, msg))

    def connect(self):
        if self.cloud.setMqtt(self.cfg["clientID"], clean_session=False, keepAlive=self.cfg["keepAlive"]) != 0:
            return False
        self.cloud.setCallback(self.on_message)
        self.cloud.error_register_cb(lambda err: logger.warning("cloud: %s", err))
        self.cloud.subscribe(self.alink.set_topic, 1)
        self.cloud.start()
        logger.info("connected as %s", self.cfg["DeviceName"])
        return True

    def post(self):
        self.props["CSQ"] = net.csqQueryPoll()
        self.cloud.publish(self.alink.post_topic, self.alink.post(self.props), 1)
        logger.info("posted %s", self.props)

    def handle(self, topic, msg):
        if isinstance(topic, bytes):
            topic = topic.decode()
        if topic != self.alink.set_topic:
            return
        try:
            req_id, params = self.alink.parse_set(msg)
        except ValueError as e:
            logger.warning("bad set request %s: %s", msg, e)
            return
        code = 200
        for k, v in params.items():
            if k == "LightSwitch" and v in (0, 1):
                self.props[k] = v
            elif k == "report_s" and isinstance(v, int) and 1 <= v <= 3600:
                self.report_s = v
            else:
                code = 460  # Alink: a parameter error
        self.cloud.publish(self.alink.set_reply_topic, self.alink.reply(req_id, code), 1)
        logger.info("set %s -> %d", params, code)
        if code == 200:
            self.post()

    def run(self):
        self.post()
        due = utime.ticks_add(utime.ticks_ms(), self.report_s * 1000)
        while True:
            if not self.inbox.empty():
                try:
                    self.handle(*self.inbox.get())
                except Exception as e:
                    usys.print_exception(e)
                continue
            if utime.ticks_diff(due, utime.ticks_ms()) <= 0:
                self.post()
                due = utime.ticks_add(utime.ticks_ms(), self.report_s * 1000)
            utime.sleep_ms(50)


def main():
    cfg = ql_fs.read_json(CONFIG)
    checknet.poweron_print_once()
    stage, state = checknet.wait_network_connected(30)
    if stage != 3 or state != 1:
        logger.error("network not ready: stage %d state %d", stage, state)
        return
    meter = Meter(cfg)
    if not meter.connect():
        logger.error("cannot connect to %s", cfg["MqttServer"])
        return
    _thread.start_new_thread(meter.run, ())


if __name__ == "__main__":
    main()
