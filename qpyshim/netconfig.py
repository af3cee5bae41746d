"""The board config the device side reads: the board's JSON, the user's --net
file merged over it, and the endpoints of the stand-in servers added. The
schema (qpyshim/configschema.py) checks every key and its value's type; the
checks here are of what a schema cannot say (an address that must be
loopback, a profile within the model's range, a driver the registry has)."""

import ipaddress
import json
from pathlib import Path

from . import configschema
from .configschema import ConfigError  # noqa: F401  netconfig.ConfigError, as it always was


def merge(base, over):
    """Dicts merge key by key; anything else in `over` replaces."""
    out = dict(base)
    for k, v in over.items():
        out[k] = merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def load(board_json, net_file=None):
    """The board's config with net_file merged over it. Each file is checked
    on its own first, so an error names the file it is in."""
    cfg = read(board_json)
    if net_file:
        cfg = merge(cfg, read(net_file))
        configschema.check(cfg, f"{board_json} with {net_file}")
    validate(cfg, net_file or board_json)
    model = cfg.get("model")
    if isinstance(model, dict) and isinstance(model.get("pdp_range"), dict):
        # The board gets its own model's range only: the table would cost
        # its heap for nothing (shim/_lib/modem.py reads either form).
        model["pdp_range"] = list(pdp_range(model, board_json))
    return cfg


def read(path):
    """One config file, checked against the schema on its own."""
    cfg = _read(path)
    configschema.check(cfg, path)
    return cfg


def load_net(path):
    """A --net file used without a board (`qpyshim modem --net`): the
    schema's checks and those of the sections a modem's network reads."""
    cfg = read(path)
    _network(cfg, path)
    return cfg


def check_network(cfg, source):
    """The sections a simulated modem's network reads (hosts, endpoints),
    however its config came (ConfigError if bad)."""
    mine = {k: cfg[k] for k in ("hosts", "endpoints") if k in cfg}
    configschema.check(mine, source)
    _network(mine, source)


def _read(path):
    try:
        data = json.loads(Path(path).read_text())
    except OSError as e:
        raise ConfigError(f"{path}: {e.strerror}") from None
    except ValueError as e:
        raise ConfigError(f"{path}: not valid JSON: {e}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a JSON object")
    return data


def _ip(text, where, loopback=False):
    try:
        ip = ipaddress.ip_address(text)
    except (ValueError, TypeError):
        raise ConfigError(f"{where}: {text!r} is not an IP address") from None
    if loopback and not ip.is_loopback:
        raise ConfigError(f"{where}: {text} must be a loopback address (127.0.0.0/8 or ::1)")


def parse_endpoint(text, where):
    """'1.2.3.4:80' -> ('1.2.3.4', 80); '1.2.3.4' -> ('1.2.3.4', None)."""
    if not isinstance(text, str):
        raise ConfigError(f"{where}: expected \"ip:port\" or \"ip\", got {text!r}")
    host, sep, port = text.partition(":")
    _ip(host, where)
    if not sep:
        return host, None
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"{where}: port in {text!r} must be 1-65535")
    return host, int(port)


# Module models the desktop can take the limits of (shim/_lib/limits.py's table).
PROFILES = ("EC200A", "ECxxxG", "ECxxxU", "BG95")


def _sections(cfg):
    """Every section (an object or a list), {} or [] where the config has
    none: the schema has checked each one's type."""
    out = {}
    for k, v in configschema.schema()["properties"].items():
        if v.get("type") in ("object", "array"):
            out[k] = cfg.get(k) or ([] if v["type"] == "array" else {})
    return out


def pdp_range(model, source):
    """The model's PDP profile range (dial.getPdpRange() on the module) from
    the model section's per-series table; the documented 1-3 otherwise."""
    table = model.get("pdp_range") or {}
    if isinstance(table, list):  # already the model's own [first, last]
        table = {model.get("name", "EC600U-CNLB").split("-")[0]: table}
    for series, r in table.items():
        if not (isinstance(r, list) and len(r) == 2 and all(isinstance(x, int) and not isinstance(x, bool)
                                                             for x in r) and 1 <= r[0] <= r[1] <= 16):
            raise ConfigError(f"{source}: model.pdp_range.{series} must be [first, last] profile "
                              f"numbers within 1-16, e.g. [1, 8]; got {r!r}")
    name = model.get("name", "EC600U-CNLB")
    if not name:
        raise ConfigError(f"{source}: model.name must be the module's name, e.g. \"EC600U-CNLB\"")
    r = table.get(name.split("-")[0])
    return (r[0], r[1]) if r else (1, 3)


def owned_addresses(own, source):
    """The `addresses` section: addresses the module has (the USBNET gateway,
    a NIC's static address), each mapped to the loopback address that stands
    in for it, so binds to them work while the host binds loopback only."""
    for addr, stand_in in own.items():
        where = f"{source}: addresses[{addr!r}]"
        _ip(addr, f"{source}: addresses key")
        _ip(stand_in, where, loopback=True)
        if ipaddress.ip_address(addr).is_loopback or ipaddress.ip_address(addr).is_unspecified:
            raise ConfigError(f"{where}: {addr} is already the desktop's own; only other addresses need a stand-in")
        if ipaddress.ip_address(addr).version != ipaddress.ip_address(stand_in).version:
            raise ConfigError(f"{where}: the stand-in {stand_in} must be of the same family as {addr}")
    return own


def _network(cfg, source):
    """hosts and endpoints: what a board's and a modem's network both read."""
    for name, ip in (cfg.get("hosts") or {}).items():
        _ip(ip, f"{source}: hosts.{configschema.where([name])}")
    for src, dst in (cfg.get("endpoints") or {}).items():
        parse_endpoint(src, f"{source}: endpoints key")
        host, _ = parse_endpoint(dst, f"{source}: endpoints[{src!r}]")
        _ip(host, f"{source}: endpoints[{src!r}]", loopback=True)


def validate(cfg, source):
    """What the schema cannot check (configschema.check has run)."""
    sections = _sections(cfg)
    owned_addresses(sections["addresses"], source)
    lo, hi = pdp_range(sections["model"], source)
    dc = sections["datacall"]
    for n, p in (dc.get("profiles") or {}).items():
        if not lo <= int(n) <= hi:
            raise ConfigError(f"{source}: datacall.profiles: profile {n!r} is not one of the model's "
                              f"{lo}-{hi} (model.pdp_range)")
        if "ipv4" in p:
            _ip(p["ipv4"], f"{source}: datacall.profiles.{n}.ipv4", loopback=True)
    if not all(a in (1, 2, 3) for a in dc.get("auto_activate", [1])):
        raise ConfigError(f"{source}: datacall.auto_activate must be a list of profiles 1-3")
    from . import cellconfig

    cellconfig.validate(sections, source, ConfigError)
    from . import stackconfig

    stackconfig.validate(sections["stack"], source, ConfigError)
    for kind, nic in sections["nics"].items():
        if "ipv4" in nic:
            _ip(nic["ipv4"], f"{source}: nics.{kind}.ipv4", loopback=True)
    _network(sections, source)
    off = sections["ports"].get("offset", 8000)
    if not (off == 0 or 0 < off <= 65535 - 1023):
        raise ConfigError(f"{source}: ports.offset must be 0 (any free port) or an offset keeping ports <= 65535")
    for s in sections["stand_ins"]:
        from .standins import KINDS

        if s["kind"] not in KINDS:
            raise ConfigError(f"{source}: stand_ins: unknown kind {s['kind']!r} "
                              f"(known: {', '.join(sorted(KINDS))})")
        parse_endpoint(s["endpoint"], f"{source}: stand_ins endpoint")
    link = sections["link"]
    for key in ("connect_timeout_s", "poll_ms"):
        if link.get(key, 1) <= 0:
            raise ConfigError(f"{source}: link.{key} must be a whole number > 0")
    limits = sections["limits"]
    socks = limits.get("sockets")
    if socks is not None and socks < 1:
        raise ConfigError(f"{source}: limits.sockets must be a whole number > 0, or null for no limit")
    if limits.get("thread_stack", 8192) < 8192:
        raise ConfigError(f"{source}: limits.thread_stack must be a whole number of bytes >= 8192")
    prof = limits.get("profile")
    if prof is not None and prof not in PROFILES:
        raise ConfigError(f"{source}: limits.profile must be one of {', '.join(PROFILES)}, not {prof!r}")
    threads = limits.get("threads")
    if threads is not None and threads < 1:
        raise ConfigError(f"{source}: limits.threads must be a whole number > 0, or null for no limit")
    for entry in sections["firewall"].get("allow") or []:
        if len(entry) != 2:
            raise ConfigError(f"{source}: firewall.allow entry {entry!r} must be [\"address\", \"mask\"]")
        for part in entry:
            try:
                ipaddress.IPv4Address(part)
            except ValueError:
                raise ConfigError(f"{source}: firewall.allow entry {entry!r}: {part!r} is not an IPv4 address") from None
    control = sections["control"]
    if control and "host" not in control:
        raise ConfigError(f"{source}: control.host must be \"127.0.0.1:port\"")
    if control:
        host, port = parse_endpoint(control["host"], f"{source}: control.host")
        if port is None:
            raise ConfigError(f"{source}: control.host must be \"127.0.0.1:port\"")
        _ip(host, f"{source}: control.host", loopback=True)
