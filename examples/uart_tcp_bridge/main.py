# UART <-> TCP bridge in the style of QuecPython's DTU solutions: bytes from
# the serial port go to every connected TCP client, bytes from any client go
# out of the serial port. Settings live in /usr/dtu_config.json, as in the DTU.
#
# Threads: one uplink worker (serial -> TCP), one accept loop, one thread per
# client (TCP -> serial). The UART callback only wakes the uplink worker.
import _thread
import checkNet
import dataCall
import log
import ql_fs
import usocket
import utime
from machine import UART, Timer
from queue import Queue

CONFIG = "/usr/dtu_config.json"
log.basicConfig(level=log.INFO)
logger = log.getLogger("DTU")


class Serial:
    """A UART with a blocking read(nbytes, timeout_ms), as the DTU's serial.py."""

    def __init__(self, port, baudrate, databits, parity, stopbits, flowctl):
        self._uart = UART(getattr(UART, "UART%d" % port), baudrate, databits, parity, stopbits, flowctl)
        self._wake = Queue(1)
        self._timer = Timer(Timer.Timer1)
        self._uart.set_callback(self._on_rx)

    def _on_rx(self, para):
        if self._wake.empty():
            self._wake.put(None)

    def _on_timeout(self, t):
        if self._wake.empty():
            self._wake.put(None)

    def read(self, nbytes, timeout_ms):
        if self._uart.any() == 0 and timeout_ms != 0:
            self._timer.start(period=timeout_ms, mode=Timer.ONE_SHOT, callback=self._on_timeout)
            self._wake.get()
            self._timer.stop()
        n = self._uart.any()
        return self._uart.read(min(nbytes, n)) if n else b""

    def write(self, data):
        return self._uart.write(data)


class Bridge:
    def __init__(self, cfg):
        u = cfg["uart"]
        self.serial = Serial(u["port"], u["baudrate"], u["databits"], u["parity"], u["stopbits"], u["flowctl"])
        self.port = cfg["server"]["port"]
        self.clients = []
        self.lock = _thread.allocate_lock()

    def uplink(self):
        while True:
            data = self.serial.read(1024, 100)
            if not data:
                continue
            with self.lock:
                clients = list(self.clients)
            for c in clients:
                try:
                    c.write(data)
                except OSError as e:
                    logger.warning("client write failed: %s", e)
                    self.drop(c)

    def downlink(self, conn, ip, port):
        logger.info("client %s:%d connected", ip, port)
        try:
            while True:
                data = conn.recv(1024)
                if not data:
                    break
                self.serial.write(data)
        except OSError as e:
            logger.info("client %s:%d: %s", ip, port, e)
        self.drop(conn)
        logger.info("client %s:%d gone", ip, port)

    def drop(self, conn):
        with self.lock:
            if conn in self.clients:
                self.clients.remove(conn)
        conn.close()

    def serve(self):
        ip = dataCall.getInfo(1, 0)[2][2]
        srv = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, usocket.IPPROTO_TCP_SER)
        srv.bind((ip, self.port))
        srv.listen(5)
        print("bridge: listening on %s:%d" % (ip, self.port))
        while True:
            conn, cip, cport = srv.accept()
            with self.lock:
                self.clients.append(conn)
            _thread.start_new_thread(self.downlink, (conn, cip, cport))


def on_datacall(args):
    logger.warning("data call %d is %s", args[0], "up" if args[1] else "down")


if __name__ == "__main__":
    cfg = ql_fs.read_json(CONFIG)
    stage, state = checkNet.waitNetworkReady(30)
    if (stage, state) != (3, 1):
        logger.error("no network: stage %d state %d", stage, state)
    dataCall.setCallback(on_datacall)
    bridge = Bridge(cfg)
    _thread.start_new_thread(bridge.uplink, ())
    while True:
        try:
            bridge.serve()
        except OSError as e:
            logger.error("server: %s; again in 1 s", e)
            utime.sleep(1)
