"""The desktop board's non-volatile store, seen from the host: the JSON file
shim/_lib/nv.py keeps at the root of the board's flash, and the /usr file
QuecPython's own boot script reads (datacall_config.json). The runner names
what they hold when a board keeps restarting, since a setting read at every
boot is the usual reason."""

import json
from pathlib import Path

NV_FILE = "nvram.json"  # shim/_ports/<port>/ nv_path(): the flash's root, outside /usr
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
    if isinstance(usb, dict):
        out += _usbnet(usb, _read(flash / "board.json") or {})
    card = nv.get("sim")
    if isinstance(card, dict) and card.get("on"):
        out.append("SIM PIN enabled (sim.enablePin): each boot needs sim.verifyPin")
    dc = _read(flash / DATACALL_FILE)
    if dc is not None:
        auto = [k for k, v in sorted(dc.items()) if isinstance(v, dict) and v.get("autoActivate")]
        out.append(f"auto-activated profiles {auto or 'none'} from /usr/datacall_config.json")
    return out


def _usbnet(usb, cfg):
    """shim/misc.py keeps {"type": work type, "nat": {pid: 0|1}} and writes
    both at every save: only what differs from the board's default is the
    app's own (the work type in board.json, NAT 1: misc.USBNET.getNat's
    value for a profile never set)."""
    out = []
    board = cfg.get("usbnet") if isinstance(cfg.get("usbnet"), dict) else {}
    kind = usb.get("type")
    if kind is not None and kind != board.get("type", 1):
        out.append(f"USB network {_USBNET.get(kind, kind)} from USBNET.set_worktype")
    nat = usb.get("nat")
    off = sorted((str(pid) for pid, v in (nat if isinstance(nat, dict) else {}).items() if v != 1),
                 key=lambda pid: (len(pid), pid))
    if off:
        # 0 lets the profile dial IPv6 (QuecPython wiki QuecPythonClasslib.md, USBNET.getNat)
        vals = ", ".join(f"profile {pid} NAT {nat[pid]}" for pid in off)
        out.append(f"USB network {vals} (0: IPv6 dial-up allowed) from USBNET.setNat")
    return out
