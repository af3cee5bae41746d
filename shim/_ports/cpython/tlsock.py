# TLS client sockets on CPython: ssl's SSLSocket with MicroPython's stream
# methods and mbedtls's errors, wrapped around a port socket.
from .sock import _buf, _translate


class _Tls:
    """CPython's SSLSocket with MicroPython's stream methods: read(n) waits
    for n bytes (or the end), a non-blocking read with nothing waiting
    returns None, write sends everything."""

    def __init__(self, s):
        self._s = s

    def _do(self, fn, *args):
        import ssl

        try:
            return fn(*args)
        except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
            return None  # non-blocking, nothing yet
        except ssl.SSLError as e:
            raise OSError(-(e.errno or 1), str(e)) from None
        except OSError as e:
            raise _translate(e) from None

    def read(self, n=-1):
        out = b""
        while n is None or n < 0 or len(out) < n:
            chunk = self._do(self._s.recv, 4096 if n is None or n < 0 else n - len(out))
            if chunk is None:
                return out or None
            if not chunk:
                break
            out += chunk
        return out

    def readinto(self, buf, n=None):
        data = self.read(n or len(buf))
        if data is None:
            return None
        buf[:len(data)] = data
        return len(data)

    def readline(self):
        out = b""
        while not out.endswith(b"\n"):
            c = self._do(self._s.recv, 1)
            if not c:
                break
            out += c
        return out

    def write(self, data):
        data = _buf(data)
        self._do(self._s.sendall, data)
        return len(data)

    def setblocking(self, flag):
        self._s.setblocking(flag)

    def getpeercert(self, binary_form=True):
        return self._s.getpeercert(True)

    def close(self):
        self._s.close()


def tls(sock, server_hostname, cert, key, ca):
    import ssl
    import tempfile

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    # As mbedtls on the module: with a CA the server's name is checked too
    # (when one is given); without one nothing is.
    ctx.check_hostname = bool(ca) and server_hostname is not None
    ctx.verify_mode = ssl.CERT_REQUIRED if ca else ssl.CERT_NONE
    if ca:
        pem = ca.lstrip().startswith(b"-----BEGIN")
        ctx.load_verify_locations(cadata=ca.decode() if pem else ca)  # PEM text or DER bytes
    if key:
        with tempfile.NamedTemporaryFile() as c, tempfile.NamedTemporaryFile() as k:
            c.write(cert)
            c.flush()
            k.write(key)
            k.flush()
            try:
                ctx.load_cert_chain(c.name, k.name)
            except ssl.SSLError:
                raise ValueError("invalid cert") from None
    try:
        t = ctx.wrap_socket(sock._k, server_hostname=server_hostname)
    except ssl.SSLCertVerificationError as e:
        raise OSError(-0x2700, e.verify_message) from None  # MBEDTLS_ERR_X509_CERT_VERIFY_FAILED
    except ssl.SSLError as e:
        raise OSError(-(e.errno or 1), str(e)) from None
    # CPython moves the descriptor into the TLS socket: the usocket's own
    # calls (settimeout, abort, close) go to it from now on.
    sock._k = t
    return _Tls(t)
