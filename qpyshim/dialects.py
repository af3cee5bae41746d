"""The registry of serial-modem dialects: one entry per modem, and everything
that needs to know the modems (the CLI's choices, `run --modem`, the stack
section's checks, the runner, the bench, the test fixtures) asks it.

Each package under qpyshim/modemsim/ that exports `DIALECT` is a dialect.
Out-of-tree dialects (a test's, a user's) are folders of the same shape named
in $QPYSHIM_DIALECTS (os.pathsep-separated): read at each call, so a child
process inherits them with its environment."""

import functools
import importlib
import importlib.util
import os
import pkgutil
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ENV = "QPYSHIM_DIALECTS"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")  # a module name on the board, too


@dataclass(frozen=True)
class Option:
    """A stack-section key that the driver and the simulator both take, with
    the same meaning on both sides (a mismatch would leave them talking past
    each other): `qpyshim modem --KEY`, and passed to the simulator that
    `run --modem` starts."""

    key: str
    default: int
    help: str
    rule: str = "a whole number > 0"  # the check's words in its error message
    choices: tuple = ()  # the values allowed; none: any whole number > 0

    def valid(self, value):
        if self.choices:
            return value in self.choices
        return not isinstance(value, bool) and isinstance(value, int) and value > 0

    @property
    def flag(self):
        return "--" + self.key.replace("_", "-")


@dataclass(frozen=True)
class TestRun:
    """How the test suite runs the dialect, and what an app sees on it
    (documented in README's Modems section)."""

    __test__ = False  # not a pytest class, whatever module imports it

    options: dict = field(default_factory=dict)  # to both sides: e.g. a short +++ guard time keeps tests quick
    drop_errno: int = 104  # a recv on a connection the network dropped ("drop" fault)
    refused_errno: int = 111  # a connect the far end refused
    listen_refused_errno: int = 5  # a listen the modem refused


@dataclass(frozen=True)
class Dialect:
    name: str  # the stack section's "driver", `--modem NAME`, the board's shim._modems.NAME
    title: str  # for people: "eS-WiFi"
    simulator: str  # "module:Class" of the host simulator
    options: tuple = ()  # Option
    sockets: int = 4  # TCP client sockets an app holds at once on it (the modem's limit)
    test: TestRun = TestRun()
    bench: dict = field(default_factory=dict)  # options to both sides in the throughput bench
    device: Path = None  # out-of-tree: the driver's folder, laid on the board as shim/_modems/NAME/

    def __post_init__(self):
        if not _NAME.match(self.name):
            raise ValueError(f"dialect name {self.name!r}: lower-case letters, digits and _ only")

    @property
    def driver(self):
        """The driver's module on the board."""
        return f"shim._modems.{self.name}"

    def simulator_class(self):
        mod, _, cls = self.simulator.partition(":")
        return getattr(importlib.import_module(mod), cls)

    def make(self, line=None, cfg=None, baud=None, ip="127.0.0.1", log=None, faults=(), **options):
        """A simulator, not yet started (call .start() for a background thread)."""
        return self.simulator_class()(line, cfg=cfg, baud=baud, ip=ip, log=log, faults=faults, **options)

    def keys(self):
        return tuple(o.key for o in self.options)

    def stack_of(self, sim):
        """The options `sim` was made with, as the driver's stack section
        must name them."""
        out = {}
        for o in self.options:
            v = getattr(sim, o.key, None)
            if v is not None:
                out[o.key] = v
        return out


@functools.cache
def _builtin():
    from . import modemsim

    found = []
    for m in pkgutil.iter_modules(modemsim.__path__, modemsim.__name__ + "."):
        if m.ispkg:
            d = getattr(importlib.import_module(m.name), "DIALECT", None)
            if d is not None:
                found.append(d)
    return tuple(sorted(found, key=lambda d: d.name))


@functools.cache
def _load(folder):
    """An out-of-tree dialect folder: its __init__.py exports DIALECT; its
    modules import each other relatively, as a package's do."""
    folder = Path(folder).resolve()
    init = folder / "__init__.py"
    if not init.is_file():
        raise ValueError(f"${ENV}: {folder} holds no __init__.py")
    name = f"_qpyshim_dialect_{folder.name}"
    spec = importlib.util.spec_from_file_location(name, init, submodule_search_locations=[str(folder)])
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod.DIALECT


def all():  # noqa: A001  the registry's own namespace: dialects.all()
    """Every dialect: the built-in ones, then those $QPYSHIM_DIALECTS names."""
    out = list(_builtin())
    for folder in filter(None, os.environ.get(ENV, "").split(os.pathsep)):
        d = _load(str(Path(folder).resolve()))
        if any(x.name == d.name for x in out):
            raise ValueError(f"${ENV}: a second dialect named {d.name!r} ({folder})")
        out.append(d)
    return tuple(out)


def names():
    return tuple(d.name for d in all())


def get(name):
    for d in all():
        if d.name == name:
            return d
    raise ValueError(f"unknown modem {name!r}; one of {', '.join(names())}")


def options():
    """Every dialect's options, once per key: {key: (Option, (Dialect, ...))}."""
    out = {}
    for d in all():
        for o in d.options:
            first, takers = out.get(o.key, (o, ()))
            out[o.key] = (first, takers + (d,))
    return out
