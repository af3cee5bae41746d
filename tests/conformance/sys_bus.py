"""sys_bus: QuecPython's publish/subscribe bus."""
from conformance._kit import R, Raises

D = "DOC API_reference/en/syslib/sys_bus.md"
S = "SRC25 ports/quectel/py/sys_bus.py"

PRELUDE = r'''
import sys_bus, _thread, utime

_lk = _thread.allocate_lock()


def bus():
    got = []
    def h(topic, msg):
        with _lk:
            got.append((topic, msg, _thread.get_ident()))
    def h2(topic, msg):
        with _lk:
            got.append(('h2', msg))
    n = [0]
    def topic():
        n[0] += 1
        return 't%d_%d' % (n[0], utime.ticks_us())
    t = topic()
    return {'h': h, 'h2': h2, 'got': got, 't': t, 'sub': sys_bus.subscribe(t, h)}


def wait_n(box, n):
    for _ in range(300):
        with _lk:
            if len(box) >= n:
                return list(box)
        utime.sleep_ms(10)
    with _lk:
        return list(box)
'''

ROWS = [
    R("bus", "sub", None, S + " subscribe returns None"),
    R("bus", "(sys_bus.publish_sync(t, {'a': 1}), got[0][:2] == (t, {'a': 1}))", (None, True),
      D + " handler(topic, msg); publish_sync runs it in the caller"),
    R("bus", "(sys_bus.publish_sync(t, 1), got[0][2] == _thread.get_ident())", (None, True), S + " publish_sync: in the caller's thread"),
    R("bus", "(sys_bus.publish(t, 'm'), wait_n(got, 1)[0][1])", (None, "m"), D + " publish: handlers run asynchronously"),
    R("bus", "(sys_bus.publish(t, 'm'), wait_n(got, 1)[0][2] != _thread.get_ident())", (None, True),
      S + " publish = publish_async: each handler in a new thread"),
    R("bus", "(sys_bus.publish_async(t, 'm'), wait_n(got, 1)[0][1])", (None, "m"), S + " publish_async"),
    R("bus", "(sys_bus.subscribe(t, h2), sys_bus.publish_sync(t, 'x'), len(got))", (None, None, 2), S + " several handlers per topic"),
    R("bus", "(sys_bus.publish_sync('nobody_' + t, 'x'), got)", (None, []), S + " publish to a topic nobody subscribed: nothing"),
    R("bus", "type(sys_bus.sub_table()).__name__", "dict", D + " sub_table() -> dict"),
    R("bus", "sys_bus.sub_table(t) == [h]", True, S + " sub_table(topic) -> the handlers"),
    R("bus", "t in sys_bus.sub_table()", True, S + " sub_table() holds every topic"),
    R("bus", "sys_bus.unsubscribe(t, h)", True, D + " unsubscribe(topic, cb) -> True"),
    R("bus", "sys_bus.unsubscribe(t, h2)", False, S + " unsubscribe of a handler not subscribed -> False"),
    R("bus", "(sys_bus.unsubscribe(t), t in sys_bus.sub_table())", (True, False), D + " unsubscribe(topic): every handler"),
    R("bus", "(sys_bus.unsubscribe(t, h), sys_bus.publish_sync(t, 'x'), got)", (True, None, []), S + " an unsubscribed handler is not called"),
    R(None, "sys_bus.unsubscribe('never-subscribed')", Raises("KeyError"), S + " unsubscribe of an unknown topic -> KeyError"),
]
