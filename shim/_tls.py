# TLS client sockets over MicroPython's ssl (the unix and ESP32 ports):
# QuecPython apps hand ussl PEM text, and MicroPython's mbedtls builds may
# read DER only, so PEM is turned into DER here.
import ssl


def der(data, what):
    if not data.lstrip().startswith(b"-----BEGIN"):
        return data
    import binascii

    body, on = [], False
    for line in data.split(b"\n"):
        line = line.strip()
        if line.startswith(b"-----BEGIN"):
            on = True
        elif line.startswith(b"-----END"):
            break
        elif on:
            body.append(line)
    try:
        return binascii.a2b_base64(b"".join(body))
    except ValueError:
        raise ValueError("invalid " + what)


def wrap(sock, server_hostname, cert, key, ca):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.verify_mode = ssl.CERT_REQUIRED if ca else ssl.CERT_NONE
    if ca:
        ctx.load_verify_locations(cadata=der(ca, "ca"))
    if key:
        ctx.load_cert_chain(der(cert, "cert"), der(key, "key"))
    return ctx.wrap_socket(sock, server_hostname=server_hostname)
