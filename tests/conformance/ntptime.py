"""ntptime: setting the clock from an NTP server (here one the app runs on
loopback port 123; the desktop board moves privileged ports and the app's own
client finds it again)."""
from conformance._kit import R

D = "DOC API_reference/en/syslib/ntptime.md"
ST = "STUB ntptime.pyi"

PRELUDE = r'''
import ntptime, usocket, _thread, utime, ustruct
from machine import RTC

T2021 = 1609459200 + 2208988800  # 2021-01-01 00:00:00 UTC, NTP era
srv = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM)
srv.settimeout(0.2)
srv.bind(('127.0.0.1', 123))
_stop = []


def ntp():
    while not _stop:
        try:
            q, addr = srv.recvfrom(48)
        except OSError:
            continue
        r = bytearray(48)
        r[0] = 0x1C
        r[40:44] = ustruct.pack('!I', T2021)
        srv.sendto(r, addr)
    srv.close()


_thread.start_new_thread(ntp, ())


def synced():
    utime.setTimeZone(0)
    return {'h': ntptime.sethost('127.0.0.1'), 's': ntptime.settime(), 'now': utime.localtime()[:4]}


def finish():
    _stop.append(1)
'''

ROWS = [
    R(None, "type(ntptime.host).__name__", "str", ST + " host: the NTP server"),
    R("synced", "h", 0, D + " sethost(host) -> 0"),
    R("synced", "ntptime.host", "127.0.0.1", ST + " sethost sets host"),
    R("synced", "s", 0, D + " settime() -> 0"),
    R("synced", "now", (2021, 1, 1, 0), D + " settime: the clock is the server's time (UTC at timezone 0)"),
    R("synced", "RTC().datetime()[:3]", (2021, 1, 1), D + " settime sets the RTC"),
    R(None, "(ntptime.sethost('127.0.0.1'), ntptime.settime(8), utime.localtime()[:4])", (0, 0, (2021, 1, 1, 8)),
      D + " settime(timezone): UTC + timezone hours"),
    R(None, "ntptime.settime(13)", -1, D + " settime: timezone -12..12"),
]
