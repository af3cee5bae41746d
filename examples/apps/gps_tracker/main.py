# A vehicle tracker in the style of QuecPython's tracker solution: fixes from
# a GNSS receiver on UART2 (NMEA RMC) go to a JT/T 808-style platform over
# TCP as binary location reports, after the register/authenticate handshake;
# a heartbeat keeps the connection alive while the vehicle stands still.
#
# Threads: the GNSS reader (woken by the UART callback), the reporter (one
# location report per fix) and the link (login, replies, heartbeat,
# reconnect). main() starts them and returns; they go on serving.
import _thread
import checkNet
import dataCall
import log
import modem
import ql_fs
import usocket
import usys
import utime
from machine import UART
from queue import Queue

from usr import jt808
from usr.nmea import parse_rmc

PROJECT_NAME = "QuecPython_GPS_Tracker"
PROJECT_VERSION = "1.0.2"
CONFIG = "/usr/tracker_config.json"

log.basicConfig(level=log.INFO)
logger = log.getLogger("Tracker")
checknet = checkNet.CheckNetwork(PROJECT_NAME, PROJECT_VERSION)


class Gnss:
    def __init__(self, port, baudrate):
        self.uart = UART(getattr(UART, "UART%d" % port), baudrate, 8, 0, 1, 0)
        self.fixes = Queue(20)
        self._wake = Queue(1)
        self._pending = b""
        self.uart.set_callback(self._on_rx)

    def _on_rx(self, para):
        # The callback runs on the UART's thread: only wake the reader.
        if self._wake.empty():
            self._wake.put(None)

    def run(self):
        while True:
            self._wake.get()
            n = self.uart.any()
            if not n:
                continue
            self._pending += self.uart.read(n)
            while True:
                end = self._pending.find(b"\n")
                if end < 0:
                    break
                line, self._pending = self._pending[:end], self._pending[end + 1:]
                try:
                    fix = parse_rmc(line.decode())
                except Exception as e:
                    usys.print_exception(e)
                    continue
                if fix and not self.fixes.put(fix):
                    logger.warning("fix queue full, fix dropped")


class Link:
    def __init__(self, cfg):
        self.host = cfg["server"]["host"]
        self.port = cfg["server"]["port"]
        self.phone = cfg["phone"]
        self.plate = cfg["plate"]
        self.heartbeat_ms = cfg["heartbeat_s"] * 1000
        self.lock = _thread.allocate_lock()
        self.sock = None
        self.serial = 0
        self.last_tx = utime.ticks_ms()
        self.splitter = jt808.Splitter()
        self.frames = []

    def send(self, msg_id, body):
        with self.lock:
            if self.sock is None:
                return -1
            n = self.serial
            self.serial = (n + 1) & 0xFFFF
            self.sock.send(jt808.encode(msg_id, self.phone, n, body))
            self.last_tx = utime.ticks_ms()
        return n

    def _next_frame(self):
        while not self.frames:
            data = self.sock.recv(512)
            if not data:
                raise OSError(107)
            self.frames = self.splitter.feed(data)
        return jt808.decode(self.frames.pop(0))

    def _expect(self, msg_id):
        while True:
            msg = self._next_frame()
            if msg and msg[0] == msg_id:
                return msg[2]

    def login(self):
        addr = usocket.getaddrinfo(self.host, self.port)[0][-1]
        sock = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, usocket.IPPROTO_TCP)
        sock.settimeout(10)
        sock.connect(addr)
        self.sock = sock
        self.splitter = jt808.Splitter()
        self.frames = []
        self.send(jt808.REGISTER, jt808.register_body(modem.getDevImei(), self.plate))
        body = self._expect(jt808.REGISTER_ACK)
        if body[2] != 0:
            raise ValueError("register refused: %d" % body[2])
        self.send(jt808.AUTH, body[3:])
        body = self._expect(jt808.PLATFORM_ACK)
        if body[4] != 0:
            raise ValueError("authentication refused: %d" % body[4])
        logger.info("logged in to %s:%d", addr[0], addr[1])
        # Replies from now on; a quiet link times out into a heartbeat check.
        sock.settimeout(1)

    def serve(self):
        while True:
            try:
                msg = self._next_frame()
            except OSError as e:
                if e.args[0] != 110:
                    raise
                if utime.ticks_diff(utime.ticks_ms(), self.last_tx) >= self.heartbeat_ms:
                    self.send(jt808.HEARTBEAT, b"")
                continue
            if msg is None:
                logger.warning("frame with a bad check byte dropped")
            elif msg[0] == jt808.PLATFORM_ACK:
                logger.info("platform ack: serial %d", (msg[2][0] << 8) | msg[2][1])

    def run(self):
        while True:
            try:
                self.login()
                self.serve()
            except Exception as e:
                usys.print_exception(e)
            with self.lock:
                if self.sock:
                    self.sock.close()
                self.sock = None
            logger.warning("link lost; reconnecting in 5 s")
            utime.sleep(5)

    def report(self, fixes):
        while True:
            fix = fixes.get()
            try:
                n = self.send(jt808.LOCATION, jt808.location_body(fix))
            except OSError as e:
                usys.print_exception(e)
                n = -1
            if n < 0:
                logger.warning("offline: fix at %s not sent", fix["time"])
            else:
                logger.info("location %s sent as serial %d", fix["time"], n)


def main():
    cfg = ql_fs.read_json(CONFIG)
    checknet.poweron_print_once()
    stage, state = checknet.wait_network_connected(30)
    if stage != 3 or state != 1:
        logger.error("network not ready: stage %d state %d", stage, state)
        return
    logger.info("data call: %s", dataCall.getInfo(1, 0))
    gnss = Gnss(cfg["gnss_uart"]["port"], cfg["gnss_uart"]["baudrate"])
    link = Link(cfg)
    _thread.start_new_thread(gnss.run, ())
    _thread.start_new_thread(link.run, ())
    _thread.start_new_thread(link.report, (gnss.fixes,))


if __name__ == "__main__":
    main()
