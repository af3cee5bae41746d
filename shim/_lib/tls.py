# TLS client sockets over MicroPython's ssl (the unix and ESP32 ports):
# QuecPython apps hand ussl PEM text, and MicroPython's mbedtls builds may
# read DER only, so PEM is turned into DER here.
import ssl


def ders(data, what):
    """Every block of PEM text as DER (DER input is passed through)."""
    if not data.lstrip().startswith(b"-----BEGIN"):
        return [data]
    import binascii

    out, body, on = [], [], False
    for line in data.split(b"\n"):
        line = line.strip()
        if line.startswith(b"-----BEGIN"):
            on, body = True, []
        elif line.startswith(b"-----END"):
            on = False
            try:
                out.append(binascii.a2b_base64(b"".join(body)))
            except ValueError:
                raise ValueError("invalid " + what)
        elif on:
            body.append(line)
    if not out:
        raise ValueError("invalid " + what)
    return out


def der(data, what):
    return ders(data, what)[0]


def wrap(sock, server_hostname, cert, key, ca):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.verify_mode = ssl.CERT_REQUIRED if ca else ssl.CERT_NONE
    if ca:
        for cert_der in ders(ca, "ca"):  # a bundle: each certificate joins the trusted set
            ctx.load_verify_locations(cadata=cert_der)
    if key:
        ctx.load_cert_chain(der(cert, "cert"), der(key, "key"))
    try:
        return ctx.wrap_socket(sock, server_hostname=server_hostname)
    except ValueError as e:  # mbedtls's verify report: QuecPython's OSError(-0x2700, text)
        raise OSError(VERIFY_FAILED, str(e).strip())


VERIFY_FAILED = -0x2700  # MBEDTLS_ERR_X509_CERT_VERIFY_FAILED
