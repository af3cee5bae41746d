"""The board config the device side reads: the board's JSON, the user's --net
file merged over it, and the endpoints of the stand-in servers added."""

import ipaddress
import json
from pathlib import Path


class ConfigError(Exception):
    pass


def merge(base, over):
    """Dicts merge key by key; anything else in `over` replaces."""
    out = dict(base)
    for k, v in over.items():
        out[k] = merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def load(board_json, net_file=None):
    cfg = _read(board_json)
    if net_file:
        cfg = merge(cfg, _read(net_file))
    validate(cfg, net_file or board_json)
    model = cfg.get("model")
    if isinstance(model, dict) and isinstance(model.get("pdp_range"), dict):
        # The board gets its own model's range only: the table would cost
        # its heap for nothing (shim/_lib/modem.py reads either form).
        model["pdp_range"] = list(pdp_range(model, board_json))
    return cfg


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


SECTIONS = {"model": dict, "datacall": dict, "sim": dict, "net": dict, "nics": dict,
            "hosts": dict, "endpoints": dict, "ports": dict, "stand_ins": list,
            "link": dict, "limits": dict, "target": dict, "firewall": dict, "control": dict,
            "cell": dict, "modem": dict, "power": dict, "usbnet": dict, "uart": dict, "stack": dict,
            "adc": dict, "addresses": dict}
# Module models the desktop can take the limits of (shim/_lib/limits.py's table).
PROFILES = ("EC200A", "ECxxxG", "ECxxxU", "BG95")


def _section(cfg, key, source):
    v = cfg.get(key)
    if v is None:
        return SECTIONS[key]()
    if not isinstance(v, SECTIONS[key]):
        kind = "an object" if SECTIONS[key] is dict else "a list"
        raise ConfigError(f"{source}: {key} must be {kind}, not {type(v).__name__}")
    return v


def _object(v, where):
    if not isinstance(v, dict):
        raise ConfigError(f"{where} must be an object, not {type(v).__name__}")
    return v


def pdp_range(model, source):
    """The model's PDP profile range (dial.getPdpRange() on the module) from
    the model section's per-series table; the documented 1-3 otherwise."""
    table = model.get("pdp_range") or {}
    if isinstance(table, list):  # already the model's own [first, last]
        table = {model.get("name", "EC600U-CNLB").split("-")[0]: table}
    table = _object(table, f"{source}: model.pdp_range")
    for series, r in table.items():
        if not (isinstance(r, list) and len(r) == 2 and all(isinstance(x, int) and not isinstance(x, bool)
                                                             for x in r) and 1 <= r[0] <= r[1] <= 16):
            raise ConfigError(f"{source}: model.pdp_range.{series} must be [first, last] profile "
                              f"numbers within 1-16, e.g. [1, 8]; got {r!r}")
    name = model.get("name", "EC600U-CNLB")
    if not isinstance(name, str) or not name:
        raise ConfigError(f"{source}: model.name must be the module's name, e.g. \"EC600U-CNLB\"")
    r = table.get(name.split("-")[0])
    return (r[0], r[1]) if r else (1, 3)


def _model(model, source):
    for key in ("revision", "firmware", "qpyver"):
        if key in model and not isinstance(model[key], str):
            raise ConfigError(f"{source}: model.{key} must be a string")
    return pdp_range(model, source)


def owned_addresses(cfg, source):
    """The `addresses` section: addresses the module has (the USBNET gateway,
    a NIC's static address), each mapped to the loopback address that stands
    in for it, so binds to them work while the host binds loopback only."""
    own = cfg.get("addresses")
    if own is None:
        return {}
    if not isinstance(own, dict):
        raise ConfigError(f"{source}: addresses must be an object, not {type(own).__name__}")
    for addr, stand_in in own.items():
        where = f"{source}: addresses[{addr!r}]"
        _ip(addr, f"{source}: addresses key")
        _ip(stand_in, where, loopback=True)
        if ipaddress.ip_address(addr).is_loopback or ipaddress.ip_address(addr).is_unspecified:
            raise ConfigError(f"{where}: {addr} is already the desktop's own; only other addresses need a stand-in")
        if ipaddress.ip_address(addr).version != ipaddress.ip_address(stand_in).version:
            raise ConfigError(f"{where}: the stand-in {stand_in} must be of the same family as {addr}")
    return own


def adc_levels(adc, source):
    """The `adc` section: millivolts per channel 0-3 (misc.ADC().read(n))."""
    for ch, mv in adc.items():
        if ch not in ("0", "1", "2", "3"):
            raise ConfigError(f"{source}: adc[{ch!r}]: channels are \"0\" to \"3\" (ADC0-ADC3)")
        if not isinstance(mv, int) or isinstance(mv, bool):
            raise ConfigError(f"{source}: adc[{ch!r}] must be a whole number of millivolts, not {mv!r}")
    return adc


def validate(cfg, source):
    sections = {k: _section(cfg, k, source) for k in SECTIONS}
    owned_addresses(cfg, source)
    adc_levels(sections["adc"], source)
    lo, hi = _model(sections["model"], source)
    dc = sections["datacall"]
    profiles = _object(dc.get("profiles") or {}, f"{source}: datacall.profiles")
    for n, p in profiles.items():
        if not (n.isdigit() and lo <= int(n) <= hi):
            raise ConfigError(f"{source}: datacall.profiles: profile {n!r} is not one of the model's "
                              f"{lo}-{hi} (model.pdp_range)")
        _object(p, f"{source}: datacall.profiles.{n}")
        if "ipv4" in p:
            _ip(p["ipv4"], f"{source}: datacall.profiles.{n}.ipv4", loopback=True)
    auto = dc.get("auto_activate", [1])
    if not isinstance(auto, list) or not all(a in (1, 2, 3) for a in auto):
        raise ConfigError(f"{source}: datacall.auto_activate must be a list of profiles 1-3")
    from . import cellconfig

    cellconfig.validate(sections, source, ConfigError)
    from . import stackconfig

    stackconfig.validate(sections["stack"], source, ConfigError)
    for kind, nic in sections["nics"].items():
        _object(nic, f"{source}: nics.{kind}")
        if "ipv4" in nic:
            _ip(nic["ipv4"], f"{source}: nics.{kind}.ipv4", loopback=True)
    for name, ip in sections["hosts"].items():
        _ip(ip, f"{source}: hosts.{name}")
    for src, dst in sections["endpoints"].items():
        parse_endpoint(src, f"{source}: endpoints key")
        host, _ = parse_endpoint(dst, f"{source}: endpoints[{src!r}]")
        _ip(host, f"{source}: endpoints[{src!r}]", loopback=True)
    ports = sections["ports"]
    if ports.get("remap_privileged", "auto") not in ("auto", "always", "never"):
        raise ConfigError(f"{source}: ports.remap_privileged must be auto, always or never")
    off = ports.get("offset", 8000)
    if not isinstance(off, int) or not (off == 0 or 0 < off <= 65535 - 1023):
        raise ConfigError(f"{source}: ports.offset must be 0 (any free port) or an offset keeping ports <= 65535")
    for s in sections["stand_ins"]:
        _object(s, f"{source}: stand_ins entry")
        from .standins import KINDS

        if s.get("kind") not in KINDS:
            raise ConfigError(f"{source}: stand_ins: unknown kind {s.get('kind')!r} "
                              f"(known: {', '.join(sorted(KINDS))})")
        parse_endpoint(s.get("endpoint"), f"{source}: stand_ins endpoint")
    link = sections["link"]
    if link.get("interface", "wlan") not in ("wlan", "lan", "ppp"):
        raise ConfigError(f"{source}: link.interface must be wlan, lan or ppp")
    for kind in ("wlan", "lan", "ppp"):
        _object(link.get(kind) or {}, f"{source}: link.{kind}")
    for key in ("connect_timeout_s", "poll_ms"):
        v = link.get(key, 1)
        if not isinstance(v, int) or v <= 0:
            raise ConfigError(f"{source}: link.{key} must be a whole number > 0")
    limits = sections["limits"]
    socks = limits.get("sockets")
    if socks is not None and (not isinstance(socks, int) or socks < 1):
        raise ConfigError(f"{source}: limits.sockets must be a whole number > 0, or null for no limit")
    stack = limits.get("thread_stack", 8192)
    if not isinstance(stack, int) or stack < 8192:
        raise ConfigError(f"{source}: limits.thread_stack must be a whole number of bytes >= 8192")
    prof = limits.get("profile")
    if prof is not None and prof not in PROFILES:
        raise ConfigError(f"{source}: limits.profile must be one of {', '.join(PROFILES)}, not {prof!r}")
    threads = limits.get("threads")
    if threads is not None and (not isinstance(threads, int) or threads < 1):
        raise ConfigError(f"{source}: limits.threads must be a whole number > 0, or null for no limit")
    allow = sections["firewall"].get("allow") or []
    if not isinstance(allow, list):
        raise ConfigError(f"{source}: firewall.allow must be a list of [\"address\", \"mask\"] pairs")
    for entry in allow:
        if not (isinstance(entry, list) and len(entry) == 2):
            raise ConfigError(f"{source}: firewall.allow entry {entry!r} must be [\"address\", \"mask\"]")
        for part in entry:
            try:
                ipaddress.IPv4Address(part)
            except (ValueError, TypeError):
                raise ConfigError(f"{source}: firewall.allow entry {entry!r}: {part!r} is not an IPv4 address") from None
    host = sections["control"].get("host")
    if sections["control"] and not (isinstance(host, str) and parse_endpoint(host, f"{source}: control.host")[1]):
        raise ConfigError(f"{source}: control.host must be \"127.0.0.1:port\"")
    if host:
        _ip(host.split(":")[0], f"{source}: control.host", loopback=True)
