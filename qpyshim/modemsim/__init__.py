"""Host-side simulators of the serial modems the shim's drivers speak to:
`qpyshim modem DIALECT [--pty | --tcp PORT]`. One package per dialect
(its simulator and its registry entry, DIALECT); what they share is here
(base.py: the line and the loop, net.py: the modem's network, cli.py)."""


def simulator_class(dialect):
    from ..dialects import get

    return get(dialect).simulator_class()


def make(dialect, line=None, cfg=None, baud=None, ip="127.0.0.1", log=None, faults=(), **options):
    """A simulator, not yet started (call .start() for a background thread)."""
    from ..dialects import get

    return get(dialect).make(line, cfg=cfg, baud=baud, ip=ip, log=log, faults=faults, **options)
