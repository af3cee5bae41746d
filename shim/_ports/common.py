# What the board ports share: the unix port's and the ESP32's calls.py take
# these from here.


def readable(s, ms):
    """Whether a read on native socket (or TLS socket) s would find data
    within ms; the socket's blocking mode is left alone."""
    import select

    p = select.poll()
    p.register(s, select.POLLIN)
    return bool(p.poll(ms))
