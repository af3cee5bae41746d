# A Modbus RTU poller: a QuecPython module as the master on an RS-485 bus
# (UART2 with the transceiver's direction pin). It writes the configured
# set-points once, then reads each slave's holding registers every poll_ms
# and logs the values by name; bus errors are logged and the poll goes on.
import _thread
import log
import ql_fs
import usys
import utime

from usr.master import Master
from usr.rtu import ModbusError

CONFIG = "/usr/modbus_config.json"
log.basicConfig(level=log.INFO)
logger = log.getLogger("Modbus")


def poll(master, cfg):
    for w in cfg["writes"]:
        try:
            master.write_single(w["slave"], w["register"], w["value"])
            logger.info("slave %d: register %d = %d", w["slave"], w["register"], w["value"])
        except ModbusError as e:
            logger.error("slave %d: write failed: %s", w["slave"], e)
    while True:
        for r in cfg["reads"]:
            try:
                values = master.read_holding(r["slave"], r["start"], len(r["names"]))
            except ModbusError as e:
                logger.warning("slave %d: %s", r["slave"], e)
                continue
            except Exception as e:
                usys.print_exception(e)
                continue
            logger.info("slave %d: %s", r["slave"],
                        " ".join("%s=%d" % (n, v) for n, v in zip(r["names"], values)))
        utime.sleep_ms(cfg["poll_ms"])


def main():
    cfg = ql_fs.read_json(CONFIG)
    master = Master(cfg["uart"], cfg["rs485"], cfg["timeout_ms"])
    _thread.start_new_thread(poll, (master, cfg))


if __name__ == "__main__":
    main()
