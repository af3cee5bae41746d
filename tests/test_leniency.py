"""What the firmware lets pass that the stubs don't show: a digit-string port
in connect(), the `maxsize` keyword of queue.Queue, and machine.UART's GPIOn
constants with control_485.

Sources, checked in the firmware and not only the stubs:
* QuecPython/micropython v1.0.0 ports/quectel/modsocket.c: socket_connect
  resolves its address with getaddrinfo on every platform, the port passed
  as a string (an int is formatted first), so '8080' connects; a
  non-numeric service is lwIP's EAI_SERVICE, raised as OSError(-201).
  The 2021 source (QuecPython/microPython ports/quectel/core/source/
  modsocket.c) resolves bind's address with getaddrinfo too; the newest
  bind and both sendto's read an int. The shim takes a digit string in all
  three: an app written for a firmware that accepts it runs, and none
  written for the strict one relies on the TypeError.
* QuecPython/microPython ports/quectel/core/queue.py: Queue(maxsize=100);
  QuecPython docs API_reference/en/syslib/Queue.md names it `maxsize` too
  (the stub's `max_size` keeps working).
* QuecPython/micropython v1.0.0 ports/quectel/machine_uart.c: UART's table
  holds control_485 and PLAT_GPIO_DEF (the GPIOn constants, Pin's numbers);
  control_485 returns the driver's result, 0 or -1 (QuecPython docs
  API_reference/en/peripherals/machine.UART.md: `uart.control_485(UART.GPIO24, 1)`).

The queue case runs in-process: tests/inproc/parity_cases.py
(case_queue_takes_the_firmwares_maxsize_keyword, a test of test_cpython_parity.py).
"""

import os
import socket
import threading


def test_connect_bind_sendto_take_a_digit_string_port(board):
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    udp.settimeout(10)
    uport = udp.getsockname()[1]
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    srv.settimeout(10)
    port = srv.getsockname()[1]
    got = []

    def serve():
        try:
            c, _ = srv.accept()
        except OSError:
            return
        with c:
            c.settimeout(10)
            got.append(c.recv(16))
            c.sendall(b"ok")

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    try:
        r = board.run("""
import usocket
s = usocket.socket()
s.settimeout(5)
print('connect', err(s.connect, ('127.0.0.1', '%d')))
print('state', s.getsocketsta())
s.send(b'hi')
print('reply', s.recv(8))
s.close()
print('service', err(usocket.socket().connect, ('127.0.0.1', 'http'))[:2])
b = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, usocket.IPPROTO_TCP_SER)
print('bind', err(b.bind, ('127.0.0.1', '0')))
b.close()
u = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM)
print('sendto', u.sendto(b'dgram', ('127.0.0.1', '%d')))
u.close()
""" % (port, uport))
        dgram = udp.recvfrom(64)[0]
    finally:
        t.join(10)
        srv.close()
        udp.close()
    assert r.code == 0, r
    assert r.value("connect") is None
    assert r.value("state") == 4
    assert r.value("reply") == b"ok"
    assert got == [b"hi"]
    assert r.value("service") == ("OSError", -201)
    assert r.value("bind") is None
    assert r.value("sendto") == 5
    assert dgram == b"dgram"


def test_uart_gpio_constants_and_control_485(board):
    master, slave = os.openpty()
    try:
        r = board.run("""
from machine import UART, Pin
print('consts', UART.GPIO1, UART.GPIO24, getattr(UART, 'GPIO%d' % 28), UART.GPIO47 == Pin.GPIO47)
u = UART(UART.UART2, 115200, 8, 0, 1, 0)
print('ctl', u.control_485(UART.GPIO24, 1), u.control_485(UART.GPIO28, 0))
print('nopin', u.control_485(99, 1))
print('dir', err(u.control_485, UART.GPIO24, 2)[0])
print('type', err(u.control_485, 'GPIO24', 1)[0])
print('close', u.close())
""", net={"uart": {"2": os.ttyname(slave)}})
    finally:
        os.close(master)
        os.close(slave)
    assert r.code == 0, r
    assert r.value("consts") == "1 24 28 True"
    assert r.value("ctl") == "0 0"
    assert r.value("nopin") == -1
    assert r.value("dir") == "ValueError"
    assert r.value("type") == "TypeError"
    assert r.value("close") == 0
