# QuecPython ussl: wrap_socket(sock, server_hostname=None, cert=None,
# key=None) over the interpreter's TLS. cert and key are PEM text; the
# server's certificate is checked only against a `ca` given (as the module's
# newer firmware does); without one it is not checked. The result has the
# module's method set: read, readinto, readline, write, setblocking, close,
# getpeercert - the interpreter's own methods, not wrappers.
from shim._ports import port as _p


class _TLS:
    def __init__(self, sock, tls):
        self._sock = sock
        self._tls = tls
        self.read = tls.read
        self.readinto = tls.readinto
        self.readline = tls.readline
        self.write = tls.write
        self.setblocking = tls.setblocking

    def getpeercert(self, binary_form=False):
        if not binary_form:
            raise NotImplementedError("only binary_form=True")
        return self._tls.getpeercert(True) if hasattr(self._tls, "getpeercert") else None

    def close(self):
        try:
            self._tls.close()
        finally:
            if self._sock is not None:
                self._sock.close()  # the usocket's slot in the socket limit

    def __repr__(self):
        return "<ussl socket over %r>" % (self._sock,)


def _pem(v, what):
    if v is None:
        return None
    if isinstance(v, str):
        v = v.encode()
    if not isinstance(v, (bytes, bytearray)):
        raise ValueError("invalid " + what)
    return bytes(v)


def wrap_socket(sock, server_hostname=None, cert=None, key=None, ca=None):
    cert, key, ca = _pem(cert, "cert"), _pem(key, "key"), _pem(ca, "ca")
    if key is not None and cert is None:
        raise ValueError("invalid cert")
    native = getattr(sock, "_s", None)  # a usocket: TLS runs on the socket under it
    tls = _p.tls(native if native is not None else sock, server_hostname, cert, key, ca)
    return _TLS(sock if native is not None else None, tls)
