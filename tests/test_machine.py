"""machine.UART on a pty the test drives, Pin/ExtInt through the control
channel, Timer and RTC, on both runtimes."""

import pytest

from conftest import PRELUDE

UART_APP = """
from machine import UART
import log, utime
u = UART(UART.UART2, 115200, 8, 0, 1, 0)
got = []
def on_rx(para):
    got.append(para[2])
    n = u.any()
    data = u.read(n)
    print('cb', para[0], para[1], len(data))
    u.write(data.upper())
u.set_callback(on_rx)
print('write', u.write('hello\\r\\n'))
log.set_output(u)
log.getLogger('uart').warning('on the line')
print('ready')
"""


@pytest.mark.parametrize("runtime", ["micropython", "cpython"])
def test_uart_read_write_callback(quecpython, runtime):
    app = quecpython(None, runtime=runtime, uarts=[2], files={"main.py": UART_APP})
    app.expect(r"^write 7$")
    line = app.uart(2)
    assert line.read_until(b"hello\r\n") == b"hello\r\n"
    assert line.read_until(b"\n") == b"WARN:uart:on the line\n"  # log.set_output(uart)
    app.expect(r"^ready$")
    line.write(b"abc")
    assert line.read_until(b"ABC") == b"ABC"
    app.expect(r"^cb 0 2 3$")
    blob = bytes(range(97, 123)) * 200 + b"#end"  # more than one read's worth
    line.write(blob)
    assert line.read_until(b"#END", timeout=20) == blob.upper()


def test_uart_buffers_until_the_app_reads(quecpython):
    app = quecpython(None, uarts=[2], files={"main.py": """
from machine import UART
import utime
u = UART(UART.UART2, 9600, 8, 0, 1, 0)
print('empty', u.any(), u.read(10))
print('ready')
while u.any() < 10:
    utime.sleep_ms(5)
print('part', u.read(4), u.any())
print('rest', u.read(), u.any(), u.read(5))
print('close', u.close())
"""})
    app.expect(r"^empty 0 b''$")
    app.expect(r"^ready$")
    app.uart(2).write(b"0123456789")
    app.expect(r"^part b'0123' 6$")
    app.expect(r"^rest b'456789' 0 b''$")
    app.expect(r"^close 0$")
    assert app.wait(20) == 0


def test_uart_errors(board):
    r = board.run("""
from machine import UART
e = err(UART, UART.UART1, 115200, 8, 0, 1, 0)
print('unmapped', e[0], 'UART1 init fail' in e[2])
print('baud', err(UART, UART.UART2, 1234, 8, 0, 1, 0)[0])
print('bits', err(UART, UART.UART2, 115200, 9, 0, 1, 0)[0])
print('args', err(UART, UART.UART2, 115200)[0])
print('path', err(UART, UART.UART3, 115200, 8, 0, 1, 0)[0])
""", net={"uart": {"3": "/nonexistent/tty"}})
    assert r.code == 0, r
    assert r.value("unmapped") == "ValueError True"
    assert r.value("baud") == "ValueError"
    assert r.value("bits") == "ValueError"
    assert r.value("args") == "TypeError"
    assert r.value("path") == "ValueError"


@pytest.mark.parametrize("runtime", ["micropython", "cpython"])
def test_pins_and_external_interrupts(quecpython, runtime):
    app = quecpython(None, runtime=runtime, files={"main.py": PRELUDE + """
from machine import Pin, ExtInt
import utime
led = Pin(Pin.GPIO10, Pin.OUT, Pin.PULL_DISABLE, 1)
key = Pin(Pin.GPIO11, Pin.IN, Pin.PULL_PU)
print('pins', led.read(), led.write(0), led.read(), key.read(), key.write(0), key.get_dir(), led.get_dir())
print('bad', err(Pin, 0)[0], err(Pin, Pin.GPIO1, 3)[0])
ext = ExtInt(ExtInt.GPIO12, ExtInt.IRQ_RISING_FALLING, ExtInt.PULL_PD, lambda a: print('irq', a))
print('enable', ext.enable(), ext.line())
print('ready')
while True:
    utime.sleep(1)
"""})
    app.expect(r"^pins 1 0 0 1 -1 0 1$")
    app.expect(r"^bad ValueError ValueError$")
    app.expect(r"^ready$")
    app.set_pin(12, 1)
    app.expect(r"^irq \(12, 0\)$")  # rising
    app.set_pin(12, 0)
    app.expect(r"^irq \(12, 1\)$")  # falling
    assert app.state()["pins"]["10"] == 0


def test_timer_and_rtc(board):
    r = board.run("""
from machine import Timer, RTC
import queue
q = queue.Queue()
t = Timer(Timer.Timer1)
print('stop_first', t.stop())
print('once', t.start(period=10, mode=Timer.ONE_SHOT, callback=lambda x: q.put(x is t)))
print('fired', q.get())
n = [0]
def tick(x):
    n[0] += 1
    if n[0] == 2:
        x.stop()
        q.put(n[0])
print('positional', t.start(5, Timer.PERIODIC, tick))
print('periodic', q.get())
try:
    t.start(period=0, mode=Timer.PERIODIC, callback=print)
except ValueError:
    print('bad', err(Timer, 4)[0], 'ValueError')
rtc = RTC()
print('set', rtc.datetime((2024, 2, 29, 4, 12, 0, 0, 0)))
d = rtc.datetime()
print('get', d[:4], d[7])
print('badset', err(rtc.datetime, (2024, 1, 1))[0])
""")
    assert r.code == 0, r
    assert r.value("stop_first") == -1
    assert r.value("once") == 0
    assert r.value("fired") is True
    assert r.value("positional") == 0
    assert r.value("periodic") == 2
    assert r.value("bad") == "ValueError ValueError"
    assert r.value("set") == 0
    assert r.value("get") == "(2024, 2, 29, 4) 0"  # 2024-02-29 was a Thursday (0 = Sunday)
    assert r.value("badset") == "ValueError"


def test_uart_framing_and_reopening(quecpython):
    import termios

    app = quecpython(None, uarts=[2], files={"main.py": """
from machine import UART
u = UART(UART.UART2, 9600, 7, 1, 2, 1)
print('first')
while u.any() < 3:
    pass
print('old', u.read())
u2 = UART(UART.UART2, 115200, 8, 0, 1, 0)   # the port again, other settings: u is closed
print('second')
import utime
while u2.any() < 5:
    utime.sleep_ms(5)
print('new', u2.read(), u.any())
"""})
    line = app.uart(2)
    app.expect(r"^first$")
    a = line.settings()
    # Linux keeps a pty at 8 bits, no parity (pty_set_termios); stop bits,
    # flow control and speed stick. test_uart_framing_bits checks the rest.
    assert a[2] & termios.CSTOPB and a[2] & termios.CRTSCTS
    assert a[4] == termios.B9600
    line.write(b"abc")
    app.expect(r"^old b'abc'$")
    app.expect(r"^second$")
    a = line.settings()
    assert a[2] & termios.CSIZE == termios.CS8 and not a[2] & (termios.PARENB | termios.CSTOPB | termios.CRTSCTS)
    assert a[4] == termios.B115200
    line.write(b"fresh")  # all of it reaches the new port, none the closed one
    app.expect(r"^new b'fresh' 0$")
    assert app.wait(20) == 0


@pytest.mark.parametrize("bits,parity,stop,flow", [(8, 0, 1, 0), (7, 1, 2, 1), (5, 2, 1, 0), (6, 3, 2, 0), (8, 4, 1, 1)])
def test_uart_framing_bits(bits, parity, stop, flow):
    """QuecPython's framing numbers as the host's termios flags, for a real
    serial device behind UART(n)."""
    import sys
    import termios

    from conftest import ROOT

    sys.path.insert(0, str(ROOT))
    from shim._desktop.termios import cflag

    size = {5: termios.CS5, 6: termios.CS6, 7: termios.CS7, 8: termios.CS8}[bits]
    cmspar = getattr(termios, "CMSPAR", 0o10000000000)
    par = [0, termios.PARENB, termios.PARENB | termios.PARODD, termios.PARENB | cmspar | termios.PARODD,
           termios.PARENB | cmspar][parity]
    want = size | par | (termios.CSTOPB if stop == 2 else 0) | (termios.CRTSCTS if flow else 0)
    start = termios.CREAD | termios.CS8 | termios.PARENB | termios.CSTOPB | termios.CRTSCTS
    assert cflag(start, bits, parity, stop, flow) == termios.CREAD | want


def test_run_uart_gives_a_terminal_the_other_end(quecpython):
    """`qpyshim run --uart 2`: the printed pty is the far end of UART2."""
    import os
    import select
    import tty

    app = quecpython(None, args=["--uart", "2"], files={"main.py": """
from machine import UART
u = UART(UART.UART2, 115200, 8, 0, 1, 0)
u.set_callback(lambda p: u.write(u.read(p[2]).upper()))
print('ready')
"""})
    path = app.expect(r"qpyshim: UART2 is (/dev/\S+)").group(1)
    app.expect(r"^ready$")
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
    try:
        tty.setraw(fd)
        os.write(fd, b"typed at a terminal")
        got = b""
        while len(got) < 19:
            r, _, _ = select.select([fd], [], [], 10)
            assert r, f"no echo; got {got!r}"
            got += os.read(fd, 64)
        assert got == b"TYPED AT A TERMINAL"
    finally:
        os.close(fd)


def test_relay_survives_a_terminal_that_is_not_there():
    """The board writes with no terminal on the other end: the bytes are lost
    as on an unconnected line, and the relay still carries what comes later."""
    import os
    import select
    import tty

    from qpyshim.serialline import Relay

    relay = Relay()
    try:
        board = os.open(relay.path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(board)
        os.set_blocking(board, False)
        sent = 0
        for _ in range(40):  # far more than a pty holds
            r, w, _ = select.select([], [board], [], 1)
            if not w:
                break
            try:
                sent += os.write(board, b"x" * 4096)
            except BlockingIOError:
                break
        assert sent > 0
        user = os.open(relay.user_path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(user)
        os.write(user, b"still here")
        got = b""
        while not got.endswith(b"still here"):
            r, _, _ = select.select([board], [], [], 10)
            assert r, f"the relay stopped; got {got[-40:]!r}"
            got += os.read(board, 4096)
        assert relay._t.is_alive()
        os.close(user)
        os.close(board)
    finally:
        relay.close()


@pytest.mark.parametrize("runtime", ["micropython", "cpython"])
def test_uart_whose_line_goes_away(quecpython, runtime):
    """The serial adapter is unplugged: writes fail with EIO, and a port
    with a callback no longer keeps the board up."""
    app = quecpython(None, runtime=runtime, uarts=[2], files={"main.py": """
from machine import UART
import utime
u = UART(UART.UART2, 115200, 8, 0, 1, 0)
u.set_callback(print)
print('ready')
while True:
    try:
        u.write(b'.')
    except OSError as e:
        print('write', e.args[0])
        break
    utime.sleep_ms(20)
"""})
    app.expect(r"^ready$")
    app.uart(2).read(1, timeout=10)
    app.uart(2).close()  # both ends of the pty go: the line is gone
    app.expect(r"^write 5$")
    assert app.wait(20) == 0
