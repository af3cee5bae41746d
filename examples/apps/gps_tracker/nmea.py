# $GPRMC/$GNRMC sentences from the GNSS receiver on a UART into fixes.
# Integer arithmetic only: an ESP32's single-precision float would lose the
# sixth decimal of a coordinate.


def _valid(line):
    star = line.rfind("*")
    if not line.startswith("$") or star < 0:
        return False
    x = 0
    for ch in line[1:star]:
        x ^= ord(ch)
    try:
        return x == int(line[star + 1:star + 3], 16)
    except ValueError:
        return False


def _micro_degrees(value, hemi, deg_digits):
    # ddmm.mmmm -> millionths of a degree
    whole, _, frac = value.partition(".")
    frac = (frac + "0000")[:4]
    degrees = int(whole[:deg_digits])
    minutes_e4 = int(whole[deg_digits:]) * 10000 + int(frac)
    v = degrees * 1000000 + minutes_e4 * 100 // 60
    return -v if hemi in ("S", "W") else v


def parse_rmc(line):
    """A fix dict from an RMC sentence with status A; None for anything else."""
    line = line.strip()
    if not _valid(line):
        return None
    f = line[:line.rfind("*")].split(",")
    if len(f) < 10 or f[0][3:] != "RMC" or f[2] != "A":
        return None
    hhmmss, ddmmyy = f[1][:6], f[9]
    return {
        "lat": _micro_degrees(f[3], f[4], 2),
        "lon": _micro_degrees(f[5], f[6], 3),
        "speed": int(float(f[7] or "0") * 18.52 + 0.5),  # knots -> 0.1 km/h
        "course": int(float(f[8] or "0")),
        "time": ddmmyy[4:6] + ddmmyy[2:4] + ddmmyy[0:2] + hhmmss,  # YYMMDDhhmmss
    }
