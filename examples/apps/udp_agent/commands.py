# The agent's text commands: one datagram in, one reply out.
import modem
import net
import utime


class Commands:
    def __init__(self, agent):
        self.agent = agent

    def handle(self, text):
        words = text.split()
        if not words:
            return "ERR empty"
        verb = words[0].upper()
        if verb == "PING":
            return "PONG %s" % modem.getDevImei()
        if verb == "GET" and len(words) == 2:
            return self.get(words[1])
        if verb == "SET" and len(words) == 3 and words[1] == "report_s":
            try:
                n = int(words[2])
            except ValueError:
                return "ERR report_s must be a number"
            if not 1 <= n <= 3600:
                return "ERR report_s out of range"
            self.agent.report_s = n
            return "OK report_s=%d" % n
        return "ERR %s" % text

    def get(self, what):
        if what == "csq":
            return "csq %d" % net.csqQueryPoll()
        if what == "operator":
            op = net.operatorName()
            return "operator %s" % (op[0] if op != -1 else "unknown")
        if what == "cell":
            st = net.getState()
            return "cell lac=%d cid=%d" % (st[1][1], st[1][2]) if st != -1 else "cell unknown"
        if what == "uptime":
            return "uptime %d" % (utime.ticks_diff(utime.ticks_ms(), self.agent.started) // 1000)
        return "ERR no such value: %s" % what
