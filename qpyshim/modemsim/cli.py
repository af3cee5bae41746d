"""`qpyshim modem DIALECT`: serve one simulated modem until Ctrl-C. Faults
can be armed at start (--fault) or typed on standard input, one a line."""

import contextlib
import signal
import sys
from pathlib import Path

from .. import dialects, lifeline, ptylink
from .base import FAULTS
from .lines import PtyLine, TcpLine


def add_parser(sub):
    every = dialects.all()
    m = sub.add_parser("modem", help=f"simulate a serial modem ({', '.join(d.title for d in every)}) "
                                     f"on a pty or TCP port")
    m.add_argument("dialect", choices=[d.name for d in every])
    where = m.add_mutually_exclusive_group()
    where.add_argument("--pty", action="store_true", help="serve on a new pty (the default); its path is printed")
    where.add_argument("--tcp", type=int, metavar="PORT", help="serve on 127.0.0.1:PORT (0: any free port)")
    m.add_argument("--link", metavar="PATH", help="also make PATH a symlink to the pty")
    m.add_argument("--net", metavar="FILE.json",
                   help="hosts and endpoints the modem's network has (the same form as qpyshim run's --net)")
    m.add_argument("--baud", type=int, metavar="N", help="pace the line like a UART at N baud (default: unpaced)")
    m.add_argument("--ip", default="127.0.0.1", help="the modem's own address (default: 127.0.0.1)")
    m.add_argument("--sockets", type=int, metavar="N", help="the modem's socket limit (default: the model's)")
    # A dialect's own options, once each however many dialects take them.
    for o, takers in dialects.options().values():
        m.add_argument(o.flag, type=int, choices=o.choices or None, metavar=None if o.choices else "N",
                       help=f"{'/'.join(d.title for d in takers)}: {o.help} (default: {o.default})")
    m.add_argument("--fault", action="append", default=[], choices=FAULTS, metavar="FAULT",
                   help=f"arm a fault at start (repeatable): {', '.join(FAULTS)}")
    m.add_argument("--log", action="store_true", help="print every byte both ways on stderr")


def options(args):
    opts = {}
    if args.sockets is not None:
        opts["sockets"] = args.sockets
    for key in dialects.get(args.dialect).keys():
        if getattr(args, key) is not None:
            opts[key] = getattr(args, key)
    return opts


def main(args):
    cfg = {}
    if args.net:
        from .. import netconfig

        try:
            cfg = netconfig.load_net(args.net)
        except netconfig.ConfigError as e:
            print(f"qpyshim: config error: --net {e}", file=sys.stderr)
            return 2
    stop = []
    try:
        _catch_stops(stop)  # from here on, whatever is made is unmade on every way out
        with contextlib.ExitStack() as stack:
            # Entered first, so released last: after the link is gone.
            watch = stack.enter_context(lifeline.Lifeline())
            line = TcpLine(args.tcp) if args.tcp is not None else PtyLine()
            stack.callback(line.close)
            if args.link and isinstance(line, PtyLine):
                problem = ptylink.make(Path(args.link), line.path, watch, stack)
                if problem:
                    print(f"qpyshim: --link {args.link}: {problem}", file=sys.stderr)
                    return 2
            _serve(args, cfg, line, stack)
    except _Stopped:
        pass
    # Ctrl-C ends with 0, as it always did; a supervisor's SIGTERM or a closed
    # terminal's SIGHUP with 128 + its number, as a command killed by it would.
    return 128 + stop[0] if stop and stop[0] != signal.SIGINT else 0


class _Stopped(Exception):
    pass


def _catch_stops(stop):
    """SIGTERM, SIGHUP and Ctrl-C raise _Stopped once, and put their number
    in `stop`; one more while the clean-up runs does not cut it short. A
    SIGINT ignored at start (`&` in a script, nohup) stays ignored."""

    def _stop(signum, frame):
        if not stop:
            stop.append(signum)
            raise _Stopped

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _stop)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _stop)


def _serve(args, cfg, line, stack):
    sim = dialects.get(args.dialect).make(line, cfg=cfg, baud=args.baud, ip=args.ip,
                                          log=sys.stderr if args.log else None, faults=args.fault,
                                          **options(args))
    sim.start()
    stack.callback(sim.stop)
    print(f"qpyshim: {args.dialect} modem on {line.path}"
          f"{f' at {args.baud} baud' if args.baud else ''}; type a fault name ({', '.join(FAULTS)}) to inject it",
          file=sys.stderr, flush=True)
    for text in sys.stdin:
        name = text.strip()
        if not name:
            continue
        try:
            sim.fault(name)
            print(f"qpyshim: {name}", file=sys.stderr, flush=True)
        except ValueError as e:
            print(f"qpyshim: {e}", file=sys.stderr, flush=True)
    sim.thread.join()  # standard input closed: serve until Ctrl-C
