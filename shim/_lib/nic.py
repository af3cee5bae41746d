# Extra network interfaces (Ethernet chips, a Wi-Fi module) on the desktop
# board: each is its own loopback address from the config's "nics" section,
# so binding to a NIC's IP or making it the default NIC means something real.
from . import config as _config, board as _board

_DEFAULTS = {"ethernet": 4, "wifi": 5}  # host numbers in the board's loopback block (others: 6)


def settings(kind):
    c = _config.section("nics").get(kind) or {}
    return {
        "ipv4": c["ipv4"] if "ipv4" in c else _config.lo(_DEFAULTS.get(kind, 6)),
        "subnet": c.get("subnet", "255.0.0.0"),
        "gateway": c.get("gateway", "127.0.0.1"),
        "dns": c.get("dns", ["127.0.0.53", "127.0.0.54"]),
        "mtu": c.get("mtu", 1500),
    }


def address(kind, requested):
    """The address a NIC gets: the app's own if the desktop can use it."""
    if requested and _board.get().net.is_local(requested):
        return requested
    if requested:
        _config.log(
            "NIC address %s is not loopback; using %s (set \"nics\": {\"%s\": {\"ipv4\": ...}})"
            % (requested, settings(kind)["ipv4"], kind)
        )
    return settings(kind)["ipv4"]


def set_default(ip):
    """New client sockets leave from `ip`, as after set_default_NIC on the module."""
    net = _board.get().net
    if not isinstance(ip, str) or not net.is_local(ip):
        return -1
    net.default_src = ip
    return 0
