"""The desktop board's non-volatile store, seen from the host: the JSON file
shim/_nv.py keeps at the root of the board's flash, and the /usr file
QuecPython's own boot script reads (datacall_config.json). The runner names
what they hold when a board keeps restarting, since a setting read at every
boot is the usual reason."""

import json
from pathlib import Path

NV_FILE = "nvram.json"  # shim/_port_*.nv_path(): the flash's root, outside /usr
DATACALL_FILE = "usr/datacall_config.json"  # written by dataCall.setAutoActivate/setAutoConnect

_AUTH = {0: "none", 1: "PAP", 2: "CHAP", 3: "PAP/CHAP"}
_IP = {0: "IPv4", 1: "IPv6", 2: "IPv4v6"}
_USBNET = {1: "ECM", 3: "RNDIS"}


def _read(path):
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def settings(flash):
    """What the board reads at power-on from its flash, as short phrases."""
    flash = Path(flash)
    out = []
    nv = _read(flash / NV_FILE) or {}
    pdp = nv.get("pdp")
    for n, ctx in sorted((pdp if isinstance(pdp, dict) else {}).items()):
        if isinstance(ctx, list) and len(ctx) == 5:
            out.append(f"PDP context {n} ({_IP.get(ctx[0], ctx[0])}, APN {ctx[1]!r}, "
                       f"auth {_AUTH.get(ctx[4], ctx[4])}) from setPDPContext")
    usb = nv.get("usbnet")
    if isinstance(usb, dict) and "type" in usb:
        out.append(f"USB network {_USBNET.get(usb['type'], usb['type'])} from USBNET.set_worktype")
    card = nv.get("sim")
    if isinstance(card, dict) and card.get("on"):
        out.append("SIM PIN enabled (sim.enablePin): each boot needs sim.verifyPin")
    dc = _read(flash / DATACALL_FILE)
    if dc is not None:
        auto = [k for k, v in sorted(dc.items()) if isinstance(v, dict) and v.get("autoActivate")]
        out.append(f"auto-activated profiles {auto or 'none'} from /usr/datacall_config.json")
    return out
