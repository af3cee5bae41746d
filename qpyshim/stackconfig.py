"""The board config's "stack" section: which network stack the app's
sockets use (shim/_lib/power.py reads it when the board powers on), checked on the host
before a board runs. The modem drivers and their own options come from
the registry (qpyshim/dialects.py), loaded only for a section that
names a modem or a modem's option (loading it imports every dialect)."""

# Every driver's: the line's pace, the waits for commands, connects, polls and the link check.
WHOLE = ("baudrate", "command_timeout_ms", "connect_timeout_s", "poll_ms", "link_check_ms")


def drivers():
    from . import dialects

    return ("native",) + dialects.names()


def validate(stack, source, error):
    if not isinstance(stack, dict):
        raise error(f"{source}: stack must be an object, not {type(stack).__name__}")
    driver = stack.get("driver", "native")
    if driver != "native" and driver not in drivers():
        raise error(f"{source}: stack.driver must be one of {', '.join(drivers())}, not {driver!r}")
    line = stack.get("line")
    if line is not None:
        if isinstance(line, bool) or not isinstance(line, (int, str)) or (isinstance(line, int) and line < 0):
            raise error(f"{source}: stack.line must be a UART number, a device path or \"tcp:HOST:PORT\"")
        if isinstance(line, str) and line.startswith("tcp:"):
            host, _, port = line[4:].rpartition(":")
            if not port.isdigit() or not 0 < int(port) < 65536:
                raise error(f"{source}: stack.line {line!r}: expected tcp:HOST:PORT with a port 1-65535")
    for key in WHOLE:
        v = stack.get(key, 1)
        if isinstance(v, bool) or not isinstance(v, int) or v <= 0:
            raise error(f"{source}: stack.{key} must be a whole number > 0")
    # A dialect's option is checked whichever driver is named, as it always
    # was: a config that names one modem's option wrongly is wrong for all.
    if driver == "native" and not set(stack) - set(WHOLE) - {"driver", "line"}:
        return
    from . import dialects

    for o, _ in dialects.options().values():
        if o.key in stack and not o.valid(stack[o.key]):
            raise error(f"{source}: stack.{o.key} must be {o.rule}")


def check_line(stack, error):
    """A modem stack needs a line once the runner has had its say (--modem)."""
    if stack.get("driver", "native") != "native" and stack.get("line") is None:
        raise error(f"stack.driver is {stack['driver']!r} but stack.line names no serial line: "
                    f"give a device path, a UART number or \"tcp:HOST:PORT\", or run with --modem {stack['driver']} "
                    f"for a simulated one")
