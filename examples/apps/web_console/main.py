# A device console served by the module itself: HTTP for a status page and
# a relay switch, and a WebSocket at /ws for a live command line. One thread
# per client; main() starts the listener and returns.
import _thread
import checkNet
import dataCall
import log
import modem
import net
import ql_fs
import ujson
import usocket
import usys
import utime
from machine import Pin

from usr import httpd, ws

CONFIG = "/usr/web_config.json"
log.basicConfig(level=log.INFO)
logger = log.getLogger("Web")


class Console:
    def __init__(self, cfg):
        self.port = cfg["port"]
        self.idle_s = cfg["idle_s"]
        self.relay = Pin(getattr(Pin, "GPIO%d" % cfg["relay_gpio"]), Pin.OUT, Pin.PULL_DISABLE, 0)
        self.started = utime.ticks_ms()
        self.clients = 0
        self.lock = _thread.allocate_lock()

    def status(self):
        return {"imei": modem.getDevImei(), "csq": net.csqQueryPoll(), "ip": dataCall.getInfo(1, 0)[2][2],
                "relay": self.relay.read(), "clients": self.clients,
                "uptime": utime.ticks_diff(utime.ticks_ms(), self.started) // 1000}

    def command(self, text, cmd=None):
        try:
            req = ujson.loads(text)
        except ValueError:
            return {"error": "not JSON"}
        if not isinstance(req, dict):
            return {"error": "not an object"}
        cmd = cmd or req.get("cmd")
        if cmd == "status":
            return self.status()
        if cmd == "relay" and req.get("on") in (0, 1, True, False):
            self.relay.write(1 if req["on"] else 0)
            return {"relay": self.relay.read()}
        return {"error": "unknown command"}

    def route(self, conn, req):
        if req.path == "/status":
            if req.method != "GET":
                return httpd.respond(conn, 405, '{"error": "GET only"}')
            return httpd.respond(conn, 200, ujson.dumps(self.status()))
        if req.path == "/relay":
            if req.method != "POST":
                return httpd.respond(conn, 405, '{"error": "POST only"}')
            reply = self.command(req.body.decode() or "{}", "relay")
            return httpd.respond(conn, 400 if "error" in reply else 200, ujson.dumps(reply))
        if req.path == "/ws" and req.headers.get("upgrade", "").lower() == "websocket":
            ws.handshake(conn, req.headers["sec-websocket-key"])
            return self.websocket(conn)
        httpd.respond(conn, 404, '{"error": "no such page"}')

    def websocket(self, conn):
        while True:
            op, data = ws.read_frame(conn)
            if op == ws.CLOSE:
                ws.send_frame(conn, ws.CLOSE, data[:2])
                return
            if op == ws.PING:
                ws.send_frame(conn, ws.PONG, data)
            elif op == ws.TEXT:
                ws.send_frame(conn, ws.TEXT, ujson.dumps(self.command(data.decode())))

    def client(self, conn, ip, port):
        with self.lock:
            self.clients += 1
        conn.settimeout(self.idle_s)
        try:
            req = httpd.read_request(conn)
            if req is not None:
                logger.info("%s:%d %s %s", ip, port, req.method, req.path)
                self.route(conn, req)
        except OSError as e:
            if e.args[0] == 110:
                logger.info("%s:%d idle for %d s, closed", ip, port, self.idle_s)
            elif e.args[0] != 107:
                usys.print_exception(e)
        except Exception as e:
            usys.print_exception(e)
            try:
                httpd.respond(conn, 400, '{"error": "bad request"}')
            except OSError:
                pass
        conn.close()
        with self.lock:
            self.clients -= 1

    def serve(self):
        ip = dataCall.getInfo(1, 0)[2][2]
        srv = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM)
        srv.setsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR, 1)
        srv.bind((ip, self.port))
        srv.listen(5)
        logger.info("console on http://%s:%d/", ip, self.port)
        while True:
            conn, cip, cport = srv.accept()
            _thread.start_new_thread(self.client, (conn, cip, cport))


def main():
    cfg = ql_fs.read_json(CONFIG)
    stage, state = checkNet.waitNetworkReady(30)
    if (stage, state) != (3, 1):
        logger.error("network not ready: %s", (stage, state))
        return
    _thread.start_new_thread(Console(cfg).serve, ())


if __name__ == "__main__":
    main()
