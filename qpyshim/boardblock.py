"""A board config's own addresses, moved into the board's loopback block
(qpyshim/loopblock.py), so boards side by side never share one.

The board's are what the module itself has: its data calls' IPv4 addresses
(`datacall.profiles.N.ipv4`), its NICs' (`nics.KIND.ipv4`) and the loopback
stand-ins of the addresses it owns (`addresses` values). Each one inside
127.0.0.0/24 moves to the same host number in the block (127.0.0.4 ->
127.B.C.4), wherever it was set (board.json or the user's --net file), so a
config's addresses keep their relations (a stand-in that is the NIC's
address stays the NIC's). An address set elsewhere (127.0.43.1, 127.9.9.9)
is the user's deliberate choice and is kept as written.

What is the host's stays: the stand-in servers and every `endpoints` target
(they run in the runner, on 127.0.0.1), `hosts` (names of servers), DNS
servers, gateways, the `firewall` allowlist (it names peers), IPv6 (::1 is
the one loopback address IPv6 has)."""

import os

from . import loopblock

ENV = "QPYSHIM_BLOCK"
# Set by a parent that claimed block K for this run and holds it while the
# run lasts (the pytest plugin, which must know the board's addresses before
# it starts): `--block K` then uses K without a claim of its own.
HELD = "QPYSHIM_BLOCK_HELD"


def _moved(ip, index):
    if isinstance(ip, str) and ip.startswith("127.0.0.") and ip.count(".") == 3:
        n = ip[len("127.0.0."):]
        if n.isdigit() and 0 < int(n) < 255:
            return loopblock.prefix(index) + n
    return ip


def move(cfg, index):
    """Move cfg's board-side addresses into block `index` (in place); the
    config gets `"block": index` for the device side (vnet's fallbacks).
    Returns cfg."""
    cfg["block"] = index
    dc = cfg.get("datacall")
    profiles = dc.get("profiles") if isinstance(dc, dict) else None
    if isinstance(profiles, dict):
        for p in profiles.values():
            if isinstance(p, dict) and "ipv4" in p:
                p["ipv4"] = _moved(p["ipv4"], index)
    nics = cfg.get("nics")
    if isinstance(nics, dict):
        for nic in nics.values():
            if isinstance(nic, dict) and "ipv4" in nic:
                nic["ipv4"] = _moved(nic["ipv4"], index)
    owned = cfg.get("addresses")
    if isinstance(owned, dict):
        for k, v in owned.items():
            owned[k] = _moved(v, index)
    return cfg


def owned(cfg, index):
    """The addresses in block `index` that cfg gives the board (after move())."""
    pre = loopblock.prefix(index)
    found = [pre + "1"]
    dc = cfg.get("datacall")
    groups = [(dc.get("profiles") if isinstance(dc, dict) else None), cfg.get("nics")]
    for group in groups:
        if isinstance(group, dict):
            found += [d.get("ipv4") for d in group.values() if isinstance(d, dict)]
    if isinstance(cfg.get("addresses"), dict):
        found += list(cfg["addresses"].values())
    return sorted({ip for ip in found if isinstance(ip, str) and ip.startswith(pre)},
                  key=lambda ip: int(ip.rsplit(".", 1)[1]) if ip.rsplit(".", 1)[1].isdigit() else 256)


def wanted(block, cfg):
    """Which block a run asks for: `block` (a Block, an index, None), else
    the config's `block`, else $QPYSHIM_BLOCK; None: any free one."""
    if block is None:
        block = cfg.get("block")
    if block is None:
        env = os.environ.get(ENV, "").strip()
        if env:
            if not env.isdigit():
                raise loopblock.BlockError(f"{ENV}={env!r}: expected a block number (0: the host's addresses)")
            block = int(env)
    return block


def take(block, cfg):
    """(Block or None, index, ours): the block for a run. Index 0 runs on
    the config's addresses as they are (one board at a time); `ours` says
    the runner claimed it and releases it at the end."""
    block = wanted(block, cfg)
    if isinstance(block, loopblock.Block):
        return block, block.index, False
    if block is not None and not isinstance(block, bool) and int(block) == 0:
        return None, 0, False
    if block is not None and str(int(block)) == os.environ.get(HELD, "").strip():
        return None, int(block), False
    b = loopblock.claim(None if block is None else int(block))
    return b, b.index, True
