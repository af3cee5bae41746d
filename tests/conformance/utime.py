"""utime: QuecPython's time functions (25 of 31 sampled apps)."""
from conformance._kit import R, Raises

D = "DOC API_reference/en/stdlib/utime.md"
ST = "STUB utime.pyi"
C = "SRC25 ports/quectel/modutime.c"

PRELUDE = r'''
import utime


def tz8():
    utime.setTimeZone(8)
    return {}


def tz0():
    utime.setTimeZone(0)
    return {}


def ticks():
    t0 = utime.ticks_ms()
    utime.sleep_ms(20)
    return {'t0': t0, 't1': utime.ticks_ms()}
'''

ROWS = [
    R(None, "type(utime.time()).__name__", "int", ST + " time() -> int seconds"),
    R(None, "utime.time() > 1600000000", True, "WIKI en-us/api/pythonStdlib.md utime.time: seconds since the Epoch; CHOICE #19"),
    R(None, "len(utime.localtime())", 8, D + " localtime: 8-tuple"),
    R(None, "type(utime.localtime()).__name__", "tuple", D + " localtime returns a tuple"),
    R("tz0", "utime.localtime(0)", (1970, 1, 1, 0, 0, 0, 3, 1), D + " localtime(secs): weekday 0 = Monday, yearday; CHOICE #18"),
    R("tz0", "utime.localtime(1601340882)", (2020, 9, 29, 0, 54, 42, 1, 273), D + " localtime(secs); CHOICE #18"),
    R("tz8", "utime.localtime(1601340882)", (2020, 9, 29, 8, 54, 42, 1, 273), C + " localtime at UTC+8; CHOICE #18"),
    R("tz8", "utime.mktime((2020, 9, 29, 8, 54, 42, 1, 273))", 1601340882, D + " mktime example -> 1601340882; CHOICE #18"),
    R("tz0", "utime.mktime((2020, 9, 29, 0, 54, 42, 1, 273))", 1601340882, D + " mktime: Unix-epoch seconds; CHOICE #18"),
    R("tz0", "utime.mktime((2020, 9, 29, 0, 54, 42, 1, 273, 0))", 1601340882, ST + " mktime(8- or 9-tuple)"),
    R("tz0", "utime.mktime(utime.localtime(1700000000))", 1700000000, D + " mktime is localtime's inverse"),
    R("tz8", "utime.mktime(utime.localtime(1700000000))", 1700000000, D + " mktime is localtime's inverse at any zone"),
    R("tz0", "utime.getTimeZone()", 0, D + " getTimeZone -> int hours"),
    R("tz8", "utime.getTimeZone()", 8, D + " getTimeZone after setTimeZone(8)"),
    R(None, "utime.setTimeZone(-12)", 0, D + " setTimeZone(offset) -12..12 returns 0"),
    R(None, "utime.setTimeZone(12)", 0, D + " setTimeZone(offset) -12..12 returns 0"),
    R(None, "utime.setTimeZone(13)", Raises("ValueError"), D + " setTimeZone outside +-12 -> ValueError"),
    R(None, "utime.setTimeZone(-13)", Raises("ValueError"), D + " setTimeZone outside +-12 -> ValueError"),
    R("tz0", "utime.localtime(utime.time())[0] >= 2024", True, D + " localtime(time()) is the wall clock"),
    R(None, "type(utime.ticks_ms()).__name__", "int", D + " ticks_ms -> int"),
    R(None, "type(utime.ticks_us()).__name__", "int", D + " ticks_us -> int"),
    R(None, "type(utime.ticks_cpu()).__name__", "int", D + " ticks_cpu -> int"),
    R("ticks", "utime.ticks_diff(t1, t0) >= 20", True, D + " ticks_diff(new, old) after sleep_ms(20)"),
    R("ticks", "utime.ticks_diff(t0, t1) <= -20", True, D + " ticks_diff is signed"),
    R(None, "utime.ticks_diff(utime.ticks_add(1000, 500), 1000)", 500, C + " ticks_add"),
    R(None, "utime.ticks_diff(utime.ticks_add(5, -10), 5)", -10, C + " ticks_add with a negative delta"),
    R(None, "utime.ticks_add(0x3FFFFFFF, 1)", 0, D + " ticks_ms/ticks_us recount past 0x3FFFFFFF"),
    R(None, "utime.ticks_diff(0, 0x3FFFFFFF)", 1, D + " ticks_diff across the 0x3FFFFFFF wrap"),
    R(None, "0 <= utime.ticks_us() <= 0x3FFFFFFF", True, D + " ticks_us: a counter that recounts past 0x3FFFFFFF"),
    R(None, "utime.sleep(0)", None, D + " sleep(seconds)"),
    R(None, "utime.sleep(0.01)", None, "MPY utime.sleep accepts a float number of seconds"),
    R(None, "utime.sleep_ms(1)", None, D + " sleep_ms(ms)"),
    R(None, "utime.sleep_us(10)", None, D + " sleep_us(us)"),
    R(None, "utime.mktime((2020, 9, 29))", Raises("TypeError"), D + " mktime takes an 8-tuple"),
]
