"""The qpyshim command line."""

import argparse

from . import __version__


class _Dialects:
    """The registry's names, read only when argparse needs them (a --modem
    given, or help printed): loading the registry imports every dialect's
    package, which a plain `qpyshim run` has no use for."""

    def _names(self):
        from . import dialects

        return dialects.names()

    def __contains__(self, name):
        return name in self._names()

    def __iter__(self):
        return iter(self._names())


def _positive(text):
    v = float(text)
    if v <= 0:
        raise argparse.ArgumentTypeError("must be > 0")
    return v


def build_parser(command=None):
    """The whole parser; with `command` (the subcommand about to run) the
    modem subcommand is a stub unless it is the one, for the same reason."""
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
    r.add_argument("--uart", action="append", metavar="N[=PATH]",
                   help="give the app machine.UART(N): a serial device PATH, or without one a pty "
                        "whose other end is printed for a terminal program (repeatable)")
    # argparse lists the choices while it builds the parser unless given a
    # metavar: only help (no command yet) needs that list.
    r.add_argument("--modem", choices=_Dialects(), metavar=None if command is None else "DIALECT",
                   help="carry the app's sockets over a simulated serial modem of this kind "
                        "(its driver in the shim, the simulator on a pty)")
    r.add_argument("--block", type=int, metavar="K",
                   help="the board's loopback block 127.(K//256).(K%%256).0/24 (default: $QPYSHIM_BLOCK, else "
                        "a free one; 0: the host's addresses as configured, one board at a time)")
    r.add_argument("--flash", metavar="DIR",
                   help="keep the board's filesystem in DIR (default: a temporary folder)")

    i = sub.add_parser("image", help="build a LittleFS filesystem image for a board")
    i.add_argument("app", help="the app: a .py file, or a folder with a main.py")
    i.add_argument("-o", "--output", required=True, metavar="FILE", help="where to write the image")
    i.add_argument("--board", default="esp32", help="board config under boards/ (default: esp32)")
    i.add_argument("--size", type=_size, metavar="BYTES|LAYOUT",
                   help="partition size in bytes, e.g. 0x600000, or a layout as --flash-size takes it "
                        "(default: the board's default layout's vfs size)")
    i.add_argument("--flash-size", metavar="4MB|8MB|16MB",
                   help="build for the vfs partition of the board's layout for this flash size")
    i.add_argument("--partitions", metavar="FILE",
                   help="build for the vfs partition of this partition table: a CSV, a "
                        "partition-table.bin or the firmware.bin that will run on the board")
    i.add_argument("--no-mpy", action="store_true", help="keep the shim as .py instead of compiling it")
    i.add_argument("--config", metavar="FILE.json",
                   help="merged over the board config written to the board (Wi-Fi credentials, ...)")

    f = sub.add_parser("flash", help="write a filesystem image (and a firmware) to an ESP32 with esptool")
    f.add_argument("image", help="the image from `qpyshim image`")
    f.add_argument("--port", required=True, help="serial port, e.g. /dev/ttyUSB0")
    f.add_argument("--board", default="esp32", help="board config under boards/ (default: esp32)")
    f.add_argument("--firmware", metavar="FIRMWARE.bin", help="a MicroPython firmware to write first")
    f.add_argument("--baud", type=int, help="baud rate (default: the board's, 460800 for esp32)")
    f.add_argument("--erase", action="store_true", help="erase the whole flash first")
    f.add_argument("--flash-size", metavar="4MB|8MB|16MB",
                   help="the board's flash layout (default: the one whose vfs is the image's size, "
                        "else the board's default, 4MB for esp32)")
    f.add_argument("--partitions", metavar="FILE|board",
                   help="the partition table to follow: a CSV, a partition-table.bin or a firmware.bin, "
                        "or `board` to read it (and the flash size) from the board with esptool, --dry-run too "
                        "(default: the --firmware's own table, else the board's layouts)")
    f.add_argument("--dry-run", action="store_true", help="print the esptool commands, run nothing")

    w = sub.add_parser("firmware", help="build MicroPython with the shim frozen in (needs a checkout and ESP-IDF)")
    w.add_argument("--board", default="ESP32_GENERIC", help="MicroPython board (default: ESP32_GENERIC)")
    w.add_argument("--micropython-dir", metavar="DIR", help="MicroPython checkout (default: $MICROPY_DIR)")
    w.add_argument("--check", action="store_true", help="only check firmware/manifest.py")
    w.add_argument("--dry-run", action="store_true", help="print the build commands, run nothing")
    w.add_argument("-j", "--jobs", type=int, help="parallel make jobs")

    d = sub.add_parser(
        "deploy", help="copy the shim and an app to a board over its REPL, then soft-reset",
        description="Copy the shim, the board config and an app to a board over its REPL (only the "
                    "files that differ; files an earlier deploy put there and this one does not are "
                    "removed), then soft-reset it so the app starts. The board is asked what it is: "
                    "a QuecPython module gets the app in /usr only, any other board the shim too.",
        epilog="Every wait on the board is bounded. An app that catches Ctrl-C (a bare `except:`) "
               "and keeps running holds the REPL: deploy then fails within --timeout and says so; "
               "--reset restarts the board first and stops the app while it starts.")
    d.add_argument("app", help="the app: a .py file, or a folder with a main.py")
    d.add_argument("--port", required=True, help="serial port of the board (or a `qpyshim board` pty)")
    d.add_argument("--board", choices=("esp32", "quectel", "unix"),
                   help="what the board is (default: asked from the board's interpreter itself)")
    d.add_argument("--no-mpy", action="store_true", help="copy the shim as .py")
    d.add_argument("--config", metavar="FILE.json", help="merged over the board config copied to the board")
    d.add_argument("--reset", action="store_true",
                   help="hard-reset the board first through the port's DTR/RTS lines as esptool does "
                        "on ESP32 boards (a `qpyshim board` restarts its interpreter), then Ctrl-C "
                        "while it boots")
    d.add_argument("--timeout", type=_positive, default=10.0, metavar="SECONDS",
                   help="how long to wait for the board's REPL (default: 10)")
    d.add_argument("--follow", action="store_true", help="show the board's output after the reset until Ctrl-C")

    b = sub.add_parser("board", help="a virtual board: MicroPython behind a pty that mpremote can use",
                       description="The MicroPython unix port behind a pseudo-terminal, acting as a board "
                                   "on a serial port: a folder is its flash, Ctrl-D reboots it. A pty has "
                                   "no DTR/RTS lines: its hard reset (`qpyshim deploy --reset`) comes on "
                                   "the unix socket it prints.")
    b.add_argument("--dir", metavar="FLASH_DIR", help="the board's flash (default: a new temporary folder)")
    b.add_argument("--link", metavar="PATH", help="also make PATH a symlink to the pty")
    b.add_argument("--echo", action="store_true", help="also print everything the board prints")
    b.add_argument("--block", type=int, metavar="K",
                   help="the board's loopback block, as for `run` (default: $QPYSHIM_BLOCK, else a free one)")

    if command is None or command == "modem":
        from .modemsim import cli as modem_cli

        modem_cli.add_parser(sub)
    else:
        sub.add_parser("modem", help="simulate a serial modem on a pty or TCP port")

    fl = sub.add_parser(
        "fleet", help="run N desktop boards of one app, each with its own identity, under one supervisor",
        description="N desktop boards of one app under this process: each its own IMEI, ICCID, IMSI, "
                    "phone and loopback address block (identity patterns: the config's fleet.identity), "
                    "one transcript with a [devNNN] prefix, and a summary at the end. Commands on stdin "
                    "while it runs: drop N [PROFILE], restore N [PROFILE], restart N, stop N, status, quit.")
    fl.add_argument("count", type=int, metavar="N", help="how many boards")
    fl.add_argument("app", help="the app: a .py file, or a folder with a main.py")
    fl.add_argument("--rate", type=_positive, default=20.0, metavar="BOARDS_PER_S",
                    help="boards started per second (default: 20)")
    fl.add_argument("--runtime", choices=("micropython", "cpython"), default="micropython",
                    help="interpreter of every board (default: micropython)")
    fl.add_argument("--net", metavar="FILE.json", help="merged over the board's config, as for `run`")
    fl.add_argument("--duration", type=_positive, metavar="SECONDS",
                    help="stop every board (a Ctrl-C each) this long after the start")
    fl.add_argument("--board", default="unix", help="board config under boards/ (default: unix)")
    fl.add_argument("--no-control", action="store_true",
                    help="no control channel per board (drop/restore then do nothing)")
    fl.add_argument("--summary", metavar="FILE.json", help="also write the summary's numbers here")

    s = sub.add_parser("stubcheck", help="compare the shim with QuecPython's published stubs")
    s.add_argument("--write", action="store_true", help="refresh the report in shim/README.md")
    return p


def _size(text):
    """Bytes, or a layout name (8MB) that `qpyshim image` turns into its vfs size."""
    from . import netconfig, partitions

    try:
        return partitions.size_or_layout(text)
    except netconfig.ConfigError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _command(argv):
    """The subcommand named on the command line, or None (help, version, typo)."""
    if "-h" in argv or "--help" in argv:
        return None
    return next((a for a in argv if not a.startswith("-")), None)


def main(argv=None):
    import sys

    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(_command(argv)).parse_args(argv)
    if args.command == "run":
        from . import runner

        return runner.run(args.app, runtime=args.runtime, net=args.net, duration=args.duration,
                          board=args.board, flash=args.flash, uarts=args.uart, modem=args.modem,
                          block=args.block)
    if args.command == "image":
        from . import image

        return image.main(args.board, args.app, args.output, args.size, not args.no_mpy, args.config,
                          args.flash_size, args.partitions)
    if args.command == "flash":
        from . import flash

        return flash.main(args.board, args.port, args.image, args.firmware, args.baud, args.erase,
                          args.dry_run, flash_size=args.flash_size, table=args.partitions)
    if args.command == "firmware":
        from . import firmware

        return firmware.main(args.board, args.micropython_dir, args.check, args.dry_run, args.jobs)
    if args.command == "deploy":
        from . import deploy

        return deploy.main(args.port, args.app, args.board, not args.no_mpy, args.config, args.follow,
                           reset=args.reset, wait=args.timeout)
    if args.command == "board":
        from . import vboard

        return vboard.main(args.dir, args.echo, args.link, block=args.block)
    if args.command == "modem":
        from .modemsim import cli as modem_cli

        return modem_cli.main(args)
    if args.command == "fleet":
        from . import fleet

        return fleet.main(args.app, args.count, net=args.net, board=args.board, runtime=args.runtime,
                          rate=args.rate, duration=args.duration, control=not args.no_control,
                          summary_json=args.summary)
    if args.command == "stubcheck":
        from . import stubcheck

        return stubcheck.main(["--write"] if args.write else [])
    return 2
