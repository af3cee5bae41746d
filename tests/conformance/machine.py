"""machine: UART (7 of 31 sampled apps), Pin, ExtInt, Timer, WDT, RTC. UART2 and
UART3 are joined by a null-modem cable the test makes (UART_LOOP)."""
from conformance._kit import R, Raises

U = "DOC API_reference/en/peripherals/machine.UART.md"
P = "DOC API_reference/en/peripherals/machine.Pin.md"
E = "DOC API_reference/en/peripherals/machine.ExtInt.md"
T = "DOC API_reference/en/peripherals/machine.Timer.md"
W = "DOC API_reference/en/peripherals/machine.WDT.md"
RT = "DOC API_reference/en/peripherals/machine.RTC.md"
C = "SRC25 ports/quectel/machine_uart.c"

UART_LOOP = (2, 3)

PRELUDE = r'''
import machine, utime, _thread
from machine import UART, Pin, ExtInt, Timer, RTC

u2 = UART(UART.UART2, 115200, 8, 0, 1, 0)
u3 = UART(UART.UART3, 115200, 8, 0, 1, 0)


def wait_any(u, n, ms=2000):
    for _ in range(ms // 10):
        if u.any() >= n:
            break
        utime.sleep_ms(10)
    return u.any()


def sent():
    u3.read(4096)
    w = u2.write(b'hello')
    wait_any(u3, 5)
    return {'w': w}


def sent_str():
    u3.read(4096)
    w = u2.write('abc')
    wait_any(u3, 3)
    return {'w': w}


_lk = _thread.allocate_lock()


def called():
    box = []
    def cb(args):
        with _lk:
            box.append(args)
    u3.read(4096)
    u3.set_callback(cb)
    u2.write(b'xyz')
    for _ in range(200):
        with _lk:
            if sum(b[2] for b in box) >= 3:
                break
        utime.sleep_ms(10)
    u3.set_callback(None)
    return {'box': box, 'data': u3.read(10)}


def logged():
    import log
    u3.read(4096)
    log.set_output(u2)
    log.getLogger('uart').warning('on the line')
    wait_any(u3, 22)
    log.set_output(__import__('usys').stderr)
    return {}


def tick():
    box = []
    t = Timer(Timer.Timer1)
    def cb(arg):
        with _lk:
            box.append(arg)
    r = t.start(period=20, mode=t.ONE_SHOT, callback=cb)
    for _ in range(200):
        with _lk:
            if box:
                break
        utime.sleep_ms(10)
    return {'r': r, 'box': box, 't': t}


def periodic():
    box = []
    t = Timer(Timer.Timer2)
    r = t.start(period=10, mode=t.PERIODIC, callback=lambda a: box.append(1))
    for _ in range(300):
        if len(box) >= 3:
            break
        utime.sleep_ms(10)
    return {'r': r, 'n': len(box), 'stop': t.stop()}


def finish():
    for u in (u2, u3):
        u.close()
'''

ROWS = [
    # UART
    R(None, "(UART.UART0, UART.UART1, UART.UART2, UART.UART3)", (0, 1, 2, 3), U + " constants UARTn"),
    R(None, "type(u2).__name__", "UART", U + " UART(UARTn, baudrate, databits, parity, stopbits, flowctl)"),
    R("sent", "w", 5, U + " write(data) -> bytes written"),
    R("sent", "u3.any()", 5, U + " any() -> bytes waiting"),
    R("sent", "u3.read(5)", b"hello", U + " read(nbytes) -> bytes"),
    R("sent", "(u3.read(2), u3.read(10))", (b"he", b"llo"), U + " read(nbytes): at most nbytes"),
    R("sent_str", "(w, u3.read(10))", (3, b"abc"), U + " write takes a str too (the examples write str)"),
    R(None, "u3.read(10)", b"", C + " read never waits: b'' when nothing is buffered"),
    R(None, "u3.any()", 0, U + " any() -> 0 when nothing waits"),
    R("called", "(sorted(set(tuple(b[:2]) for b in box)), sum(b[2] for b in box), data)", ([(0, 3)], 3, b"xyz"),
      U + " set_callback(fun): fun([result, port, size]) per chunk received"),
    R(None, "UART(UART.UART2, 12345, 8, 0, 1, 0)", Raises("ValueError"), C + " baud rate from the firmware's list"),
    R(None, "UART(UART.UART2, 115200, 9, 0, 1, 0)", Raises("ValueError"), U + " databits 5-8"),
    R(None, "UART(UART.UART2, 115200, 8, 5, 1, 0)", Raises("ValueError"), U + " parity 0 none, 1 even, 2 odd"),
    R(None, "UART(UART.UART2, 115200, 8, 0, 3, 0)", Raises("ValueError"), U + " stopbits 1-2"),
    R(None, "UART(UART.UART2, 115200, 8, 0, 1, 2)", Raises("ValueError"), U + " flowctl 0-1"),
    R(None, "UART(UART.UART2)", Raises("TypeError"), C + " all six arguments required"),
    R(None, "u2.control_485(UART.GPIO24, 1)", 0, U + " control_485(GPIOn, direction) -> 0"),
    R("logged", "u3.read(100)", b"WARN:uart:on the line\n", "DOC API_reference/en/syslib/log.md set_output(uart): logs go out on the UART"),
    R(None, "(u2.write(bytearray(b'ba')), wait_any(u3, 2), u3.read(2))", (2, 2, b"ba"), U + " write(bytearray)"),
    R(None, "(u2.write(bytes(range(256))), wait_any(u3, 256), u3.read(256) == bytes(range(256)))", (256, 256, True),
      U + " binary data passes unchanged"),
    # Pin
    R(None, "(Pin.IN, Pin.OUT, Pin.PULL_DISABLE, Pin.PULL_PU, Pin.PULL_PD)", (0, 1, 0, 1, 2), P + " constants"),
    R(None, "Pin.GPIO1", 1, P + " GPIOn constants"),
    R(None, "Pin(Pin.GPIO1, Pin.OUT, Pin.PULL_DISABLE).write(1)", 0, P + " write(value) -> 0"),
    R(None, "(lambda p: (p.write(1), p.read()))(Pin(Pin.GPIO2, Pin.OUT, Pin.PULL_DISABLE, 0))", (0, 1), P + " read -> the level written"),
    R(None, "Pin(Pin.GPIO3, Pin.OUT, Pin.PULL_DISABLE, 1).read()", 1, P + " Pin(..., level) sets the initial level"),
    R(None, "Pin(Pin.GPIO4, Pin.IN, Pin.PULL_PU).read()", 1, P + " an input reads its pull-up"),
    R(None, "Pin(Pin.GPIO5, Pin.IN, Pin.PULL_PD).read()", 0, P + " an input reads its pull-down"),
    R(None, "Pin(Pin.GPIO6, Pin.IN, Pin.PULL_PU).write(0)", -1, P + " write on an input -> -1"),
    R(None, "(lambda p: (p.set_dir(Pin.IN), p.get_dir()))(Pin(Pin.GPIO7, Pin.OUT))", (0, 0), P + " set_dir -> 0; get_dir"),
    R(None, "Pin(Pin.GPIO8, Pin.OUT).get_dir()", 1, P + " get_dir: 1 output"),
    # ExtInt
    R(None, "(ExtInt.IRQ_RISING, ExtInt.IRQ_FALLING, ExtInt.IRQ_RISING_FALLING)", (0, 1, 2), E + " constants"),
    R(None, "(ExtInt.PULL_PU, ExtInt.PULL_PD, ExtInt.PULL_DISABLE)", (1, 2, 0), E + " pull constants"),
    R(None, "ExtInt(ExtInt.GPIO9, ExtInt.IRQ_RISING, ExtInt.PULL_PU, lambda a: None).enable()", 0, E + " enable -> 0"),
    R(None, "(lambda e: (e.enable(), e.disable()))(ExtInt(ExtInt.GPIO10, ExtInt.IRQ_FALLING, ExtInt.PULL_PU, lambda a: None))",
      (0, 0), E + " disable -> 0"),
    R(None, "ExtInt(ExtInt.GPIO11, ExtInt.IRQ_RISING, ExtInt.PULL_PU, lambda a: None).line()", 11, E + " line -> the pin"),
    R(None, "ExtInt(ExtInt.GPIO12, ExtInt.IRQ_RISING, ExtInt.PULL_PU, lambda a: None).read_level()", 1, E + " read_level"),
    R(None, "ExtInt(ExtInt.GPIO13, ExtInt.IRQ_RISING, ExtInt.PULL_PU, lambda a: None).read_count(0)", [0, 0],
      E + " read_count(is_reset) -> [rising, falling]"),
    # Timer
    R(None, "(Timer.Timer0, Timer.Timer1, Timer.Timer2, Timer.Timer3)", (0, 1, 2, 3), T + " constants"),
    R(None, "Timer.ONE_SHOT != Timer.PERIODIC", True, T + " constants ONE_SHOT, PERIODIC"),
    R("tick", "r", 0, T + " start -> 0"),
    R("tick", "len(box)", 1, T + " ONE_SHOT fires once"),
    R("tick", "box[0] is t", True, T + " the callback gets the timer; CHOICE #30"),
    R("periodic", "(r, n >= 3, stop)", (0, True, 0), T + " PERIODIC; stop -> 0"),
    R(None, "Timer(Timer.Timer3).stop()", -1, T + " stop before start -> -1"),
    # WDT
    R(None, "(lambda w: (w.feed(), w.stop()))(machine.WDT(20))", (0, 0), W + " WDT(period) feed/stop -> 0"),
    # RTC
    R(None, "len(RTC().datetime())", 8, RT + " datetime() -> (year, month, day, week, hour, minute, second, microsecond)"),
    R(None, "RTC().datetime()[0] >= 2024", True, RT + " datetime: the current year"),
    R(None, "(lambda r: (r.datetime((2020, 3, 12, 4, 12, 12, 14, 0)), r.datetime()[:3]))(RTC())", (0, (2020, 3, 12)),
      RT + " datetime(tuple) sets the clock -> 0"),
    R(None, "utime.localtime()[0]", 2020, RT + " the RTC is the clock utime reads"),
]
