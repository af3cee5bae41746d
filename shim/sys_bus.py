# QuecPython sys_bus: a topic -> handlers table. publish() runs each handler
# in a thread of its own (publish_async); publish_sync() runs them in turn in
# the caller. Handlers get (topic, msg).
import _thread

_table = {}
_lock = _thread.allocate_lock()


def subscribe(topic, handler):
    if topic is None:
        raise KeyError(topic)
    if not callable(handler):  # refused here, not in the thread publish() starts
        raise TypeError("handler must be callable")
    with _lock:
        _table.setdefault(topic, []).append(handler)


def _handlers(topic):
    with _lock:
        return list(_table.get(topic) or ())


def publish_async(topic, msg):
    for cb in _handlers(topic):
        _thread.start_new_thread(cb, (topic, msg))


publish = publish_async


def publish_sync(topic, msg):
    for cb in _handlers(topic):
        cb(topic, msg)


def unsubscribe(topic, cb=None):
    with _lock:
        if topic not in _table:
            raise KeyError(topic)
        if cb is None:
            del _table[topic]
            return True
        cbs = _table[topic]
        for i in range(len(cbs)):
            if cbs[i] == cb:
                del cbs[i]
                return True
    return False


def sub_table(topic=None):
    with _lock:
        if topic is None:
            return dict(_table)
        return _table[topic]
