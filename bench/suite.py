"""The measurements, their units and targets: what `make bench` runs. Each
entry knows how to take one sample in one mode; run.py interleaves them."""

from dataclasses import dataclass
from typing import Callable, Optional

import workloads


@dataclass
class Target:
    kind: str  # "ratio": shim/raw of the best runs >= value; "ratio_max": shim/raw <= value;
    # "held": both modes hold value (clients); "overhead_ms": shim minus bare < value;
    # "overhead_bytes": shim minus bare <= value
    value: float
    text: str


@dataclass
class Rate:
    """A rate measured in both modes; higher is better."""
    name: str
    title: str
    unit: str
    sample: Callable  # mode -> one sample
    target: Optional[Target]  # None: informational, no target


def rates(a):
    t, p = a.seconds, a.pin
    return [
        Rate("tcp_throughput_1k", "TCP echo throughput, 1 KiB messages", "MiB/s",
             lambda m: workloads.tcp_throughput(m, 1024, t, pin=p),
             Target("ratio", 0.98, ">= 0.98")),
        Rate("tcp_throughput_64k", "TCP echo throughput, 64 KiB messages", "MiB/s",
             lambda m: workloads.tcp_throughput(m, 65536, t, pin=p),
             Target("ratio", 0.99, ">= 0.99")),
        Rate("tcp_connections", "TCP connections (thread per client)", "conn/s",
             lambda m: workloads.tcp_connections(m, t, pin=p),
             Target("ratio", 0.9, ">= 0.9")),
        Rate("udp_round_trips", "UDP round trips, 64 B datagrams", "rt/s",
             lambda m: workloads.udp_round_trips(m, t, pin=p),
             Target("ratio", 0.9, ">= 0.9")),
        Rate("tcp_timed_echo_1k", "TCP echo 1 KiB, 2 s timeout on the client", "MiB/s",
             lambda m: workloads.tcp_throughput(m, 1024, t, style="timed", pin=p),
             Target("ratio", 0.95, ">= 0.95")),
        Rate("tcp_throughput_1k_recv", "TCP echo 1 KiB, recv()+sendall (info)", "MiB/s",
             lambda m: workloads.tcp_throughput(m, 1024, t, style="recv", pin=p), None),
        Rate("tcp_throughput_64k_recv", "TCP echo 64 KiB, recv()+sendall (info)", "MiB/s",
             lambda m: workloads.tcp_throughput(m, 65536, t, style="recv", pin=p), None),
    ]


HELD = "tcp_clients_held"
HEAP = "tcp_heap_per_connection"
HEAP_TARGET = Target("ratio_max", 1.5, "<= 1.5")
STARTUP = {"py": "startup_py", "mpy": "startup_mpy"}
STARTUP_TARGET_MS = 15


def held_target(clients):
    return Target("held", clients, f"{clients} held, both modes")


STARTUP_TARGET = Target("overhead_ms", STARTUP_TARGET_MS, f"shim - bare < {STARTUP_TARGET_MS} ms")


def heap_target(limit):
    return Target("overhead_bytes", limit, f"shim - bare <= {limit // 1024} KB")
