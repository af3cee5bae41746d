"""The qpyshim command line."""

import argparse

from . import __version__


def _positive(text):
    v = float(text)
    if v <= 0:
        raise argparse.ArgumentTypeError("must be > 0")
    return v


def build_parser():
    p = argparse.ArgumentParser(prog="qpyshim", description="Run QuecPython apps on stock MicroPython.")
    p.add_argument("--version", action="version", version=f"qpyshim {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("run", help="run a QuecPython app on the desktop board")
    r.add_argument("app", help="the app: a .py file, or a folder with a main.py")
    r.add_argument("--runtime", choices=("micropython", "cpython"), default="micropython",
                   help="interpreter to run the app on (default: micropython, the unix port)")
    r.add_argument("--net", metavar="FILE.json",
                   help="your network map, merged over the board's config (hosts, endpoints, ports, ...)")
    r.add_argument("--duration", type=_positive, metavar="SECONDS",
                   help="stop the app after this long; exit 0 if nothing failed")
    r.add_argument("--board", default="unix", help="board config under boards/ (default: unix)")
    r.add_argument("--flash", metavar="DIR",
                   help="keep the board's filesystem in DIR (default: a temporary folder)")
    return p


def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.command == "run":
        from . import runner

        return runner.run(args.app, runtime=args.runtime, net=args.net, duration=args.duration,
                          board=args.board, flash=args.flash)
    return 2
