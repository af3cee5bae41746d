"""The echo demo as a Locust load: each Locust user is one desktop board
running examples/echo_demo (its own IMEI, ICCID, loopback block). Locust's
statistics show each board's boot time, every echo round trip, and each
run's end; `--master`/`--worker` spread the boards over machines.

    .venv/bin/locust -f examples/locust/locustfile.py --headless -u 4 -r 2 --run-time 30s

See README.md here for the two-worker run."""

from pathlib import Path

from locust import constant

from qpyshim.locust import BoardUser

HERE = Path(__file__).resolve().parent


class EchoBoard(BoardUser):
    app = HERE.parent / "echo_demo"
    # The client prints "send data" then "recv data": the time between the
    # two lines is one round trip through the board's server.
    lines = {"echo round trip": r"^\[client\] recv data"}
    max_run_s = 20  # one power-on at most this long (the demo ends by itself after ~5 s)
    wait_time = constant(0.5)  # off this long between two power-ons
