# QuecPython ntptime: set the RTC from an NTP server. host defaults to the
# module's; the desktop board's map sends it wherever the config says (a
# loopback server in tests). settime(timezone) writes UTC + timezone hours.
import usocket
import ustruct

host = "ntp.aliyun.com"
_EPOCH_1900_TO_1970 = 2208988800


def sethost(host):
    if host is None:
        return -1
    globals()["host"] = host  # the parameter has the module variable's name, as in the stub
    return 0


def time():
    """Seconds since 1970-01-01 UTC from the server; OSError when it does not answer."""
    q = bytearray(48)
    q[0] = 0x1B  # LI 0, version 3, mode 3 (client)
    for _ in range(4):
        s = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM)
        try:
            s.settimeout(10)
            s.sendto(q, usocket.getaddrinfo(host, 123)[0][-1])
            msg = s.recv(48)
            if len(msg) >= 48:
                return ustruct.unpack("!I", msg[40:44])[0] - _EPOCH_1900_TO_1970
        except OSError:
            pass
        finally:
            s.close()
    raise OSError("Server connection failed!")


def settime(timezone=0):
    if not isinstance(timezone, int) or not -12 <= timezone <= 12:
        return -1
    t = time() + timezone * 3600
    try:
        import machine
        import utime

        g = utime.localtime(t - utime.getTimeZone() * 3600)  # the wall clock at UTC + timezone
        machine.RTC().datetime((g[0], g[1], g[2], 0, g[3], g[4], g[5], 0))
    except Exception:  # noqa: BLE001  the module reports the RTC step as -1
        return -1
    return 0
