"""Host-side simulators of the serial modems the shim's drivers speak to:
`qpyshim modem {xbee,telit,eswifi,wip} [--pty | --tcp PORT]`."""

DIALECTS = ("xbee", "telit", "eswifi", "wip")


def simulator_class(dialect):
    if dialect == "xbee":
        from .xbee import XBeeSim as cls
    elif dialect == "telit":
        from .telit import TelitSim as cls
    elif dialect == "eswifi":
        from .eswifi import EsWifiSim as cls
    elif dialect == "wip":
        from .wip import WipSim as cls
    else:
        raise ValueError(f"unknown modem {dialect!r}; one of {', '.join(DIALECTS)}")
    return cls


def make(dialect, line=None, cfg=None, baud=None, ip="127.0.0.1", log=None, faults=(), **options):
    """A simulator, not yet started (call .start() for a background thread)."""
    return simulator_class(dialect)(line, cfg=cfg, baud=baud, ip=ip, log=log, faults=faults, **options)
