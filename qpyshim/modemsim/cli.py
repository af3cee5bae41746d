"""`qpyshim modem DIALECT`: serve one simulated modem until Ctrl-C. Faults
can be armed at start (--fault) or typed on standard input, one a line."""

import contextlib
import json
import signal
import sys
from pathlib import Path

from .. import dialects, lifeline
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
        try:
            cfg = json.loads(Path(args.net).read_text())
        except (OSError, ValueError) as e:
            print(f"qpyshim: --net {args.net}: {e}", file=sys.stderr)
            return 2
    with contextlib.ExitStack() as stack:
        # Entered first, so released last: after the link is gone.
        watch = stack.enter_context(lifeline.Lifeline())
        line = TcpLine(args.tcp) if args.tcp is not None else PtyLine()
        stack.callback(line.close)
        if args.link and isinstance(line, PtyLine):
            link = Path(args.link)
            if link.is_symlink():
                link.unlink()
            link.symlink_to(line.path)
            stack.callback(lambda: link.is_symlink() and link.unlink())
            watch.add(links=[link])  # removed even if this process is SIGKILLed
        return _serve(args, cfg, line, stack)


class _Stopped(Exception):
    pass


def _serve(args, cfg, line, stack):
    sim = dialects.get(args.dialect).make(line, cfg=cfg, baud=args.baud, ip=args.ip,
                                          log=sys.stderr if args.log else None, faults=args.fault,
                                          **options(args))
    stop = []

    def _stop(signum, frame):
        if not stop:
            stop.append(signum)
            raise _Stopped

    sim.start()
    stack.callback(sim.stop)
    try:
        # A supervisor's SIGTERM and a closed terminal's SIGHUP stop it as
        # Ctrl-C does (the simulator, its line and its link go), then it ends
        # with 128 + the signal's number, as a command killed by it would.
        for sig in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, _stop)
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
    except (KeyboardInterrupt, _Stopped):
        pass
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, signal.SIG_IGN)  # the clean-up runs to its end
    return 128 + stop[0] if stop else 0  # Ctrl-C: 0, as it always was
