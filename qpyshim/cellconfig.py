"""Checks of the board config's simulated-modem and peripheral sections
(sim, net, cell, modem, power, usbnet, uart): what shim/net.py, sim.py,
modem.py, misc.py and machine.UART read. A wrong value is reported here,
with its key, before the board starts."""


def _int(v, where, lo=None, hi=None, err=None):
    if not isinstance(v, int) or isinstance(v, bool) or (lo is not None and v < lo) or (hi is not None and v > hi):
        rng = f" in {lo}..{hi}" if lo is not None and hi is not None else ""
        raise err(f"{where} must be a whole number{rng}, not {v!r}")


def _str(v, where, err):
    if not isinstance(v, str):
        raise err(f"{where} must be a string, not {v!r}")


def _list(v, where, n, err):
    if not isinstance(v, list) or len(v) != n:
        raise err(f"{where} must be a list of {n}, not {v!r}")


def validate(sections, source, err):
    """sections: the config's sections as dicts; err: the exception class."""
    sim = sections["sim"]
    _int(sim.get("status", 1), f"{source}: sim.status", 0, 21, err)
    for key in ("pin", "puk"):
        if key in sim:
            v = sim[key]
            if not (isinstance(v, str) and v.isdigit() and 4 <= len(v) <= 8):
                raise err(f"{source}: sim.{key} must be a string of 4-8 digits, not {v!r}")
    if not isinstance(sim.get("pin_enabled", False), bool):
        raise err(f"{source}: sim.pin_enabled must be true or false")
    for key in ("imsi", "iccid", "phone"):
        if key in sim:
            _str(sim[key], f"{source}: sim.{key}", err)
    net = sections["net"]
    _int(net.get("data_state", 1), f"{source}: net.data_state", 0, 11, err)
    if net.get("modem_fun", 1) not in (0, 1, 4):
        raise err(f"{source}: net.modem_fun must be 0, 1 or 4, not {net.get('modem_fun')!r}")
    csq = net.get("csq", 31)
    if csq != 99:
        _int(csq, f"{source}: net.csq (or 99, unknown)", 0, 31, err)
    if "operator" in net:
        op = net["operator"]
        _list(op, f"{source}: net.operator ([long, short, mcc, mnc])", 4, err)
        for i, part in enumerate(op):
            _str(part, f"{source}: net.operator[{i}]", err)
    if "signal" in net:
        sig = net["signal"]
        if not (isinstance(sig, list) and len(sig) == 2 and all(isinstance(x, list) for x in sig)
                and len(sig[0]) == 4 and len(sig[1]) in (4, 5)):
            raise err(f"{source}: net.signal must be [[rssi, ber, rscp, ecno], [rssi, rsrp, rsrq, cqi(, sinr)]]")
    if "config" in net:
        _list(net["config"], f"{source}: net.config ([mode, roaming])", 2, err)
    cell = sections["cell"]
    for key in ("lac", "cid", "act"):
        if key in cell:
            _int(cell[key], f"{source}: cell.{key}", 0, None, err)
    if "cells" in cell:
        cells = cell["cells"]
        if not (isinstance(cells, list) and len(cells) == 3 and all(isinstance(r, list) for r in cells)):
            raise err(f"{source}: cell.cells must be [gsm cells, umts cells, lte cells]")
    modem = sections["modem"]
    for key in ("imei", "sn", "model", "firmware", "product", "mac"):
        if key in modem:
            _str(modem[key], f"{source}: modem.{key}", err)
    power = sections["power"]
    if "vbatt" in power:
        _int(power["vbatt"], f"{source}: power.vbatt (mV)", 0, 10000, err)
    if "down_reason" in power:
        _int(power["down_reason"], f"{source}: power.down_reason", 0, 6, err)
    if sections["usbnet"].get("type", 1) not in (1, 3):
        raise err(f"{source}: usbnet.type must be 1 (ECM) or 3 (RNDIS)")
    for n, path in sections["uart"].items():
        if not (n.isdigit() and 0 <= int(n) <= 6):
            raise err(f"{source}: uart: {n!r} is not a UART number 0-6")
        _str(path, f"{source}: uart.{n} (a serial device path)", err)
