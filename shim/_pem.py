# PEM text to DER: MicroPython's mbedtls builds may read DER only, while
# QuecPython apps hand ussl PEM text.


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
