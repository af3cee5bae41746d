# A UDP field agent: it reports its status to a management peer on a timer
# and answers text commands (PING, GET csq|operator|cell|uptime,
# SET report_s N) from that peer. The wait for a command is the socket's
# timeout: when recvfrom times out (errno 110) a report is due.
import _thread
import checkNet
import dataCall
import log
import ql_fs
import usocket
import usys
import utime

from usr.commands import Commands

CONFIG = "/usr/agent_config.json"
log.basicConfig(level=log.INFO)
logger = log.getLogger("Agent")


class Agent:
    def __init__(self, cfg):
        self.name = cfg["name"]
        # The port is a string in the config, as the DTU tools write it.
        self.peer = usocket.getaddrinfo(cfg["peer"]["host"], cfg["peer"]["port"])[0][-1]
        self.report_s = cfg["report_s"]
        self.started = utime.ticks_ms()
        self.seq = 0
        self.commands = Commands(self)
        self.sock = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM, usocket.IPPROTO_UDP)

    def report(self, kind):
        self.seq += 1
        ip = dataCall.getInfo(1, 0)[2][2]
        self.sock.sendto("%s name=%s seq=%d ip=%s" % (kind, self.name, self.seq, ip), self.peer)

    def run(self):
        self.report("hello")
        due = utime.ticks_add(utime.ticks_ms(), self.report_s * 1000)
        while True:
            left = utime.ticks_diff(due, utime.ticks_ms())
            if left <= 0:
                self.report("status")
                due = utime.ticks_add(utime.ticks_ms(), self.report_s * 1000)
                continue
            self.sock.settimeout(left / 1000)
            try:
                data, addr = self.sock.recvfrom(256)
            except OSError as e:
                if e.args[0] == 110:
                    continue
                usys.print_exception(e)
                utime.sleep(1)
                continue
            if addr != self.peer:
                logger.warning("datagram from %s:%d ignored", addr[0], addr[1])
                continue
            try:
                reply = self.commands.handle(data.decode())
            except Exception as e:
                usys.print_exception(e)  # a binary datagram, say: answered, not fatal
                reply = "ERR bad command"
            logger.info("%s -> %s", data, reply)
            self.sock.sendto(reply, addr)
            # A new interval starts now, so a changed report_s is felt at once.
            due = utime.ticks_add(utime.ticks_ms(), self.report_s * 1000)


def main():
    cfg = ql_fs.read_json(CONFIG)
    stage, state = checkNet.waitNetworkReady(30)
    if (stage, state) != (3, 1):
        logger.error("network not ready: %s", (stage, state))
        return
    agent = Agent(cfg)
    logger.info("reporting to %s:%d every %d s", agent.peer[0], agent.peer[1], agent.report_s)
    _thread.start_new_thread(agent.run, ())


if __name__ == "__main__":
    main()
