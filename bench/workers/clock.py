# The timing loop every rate worker shares.
import time


def timed(step, seconds):
    """Run step() for `seconds`; returns (count, elapsed microseconds). The
    clock is read every 8 steps: ticks are cheap but not free."""
    limit = int(seconds * 1000000)
    n = 0
    t0 = time.ticks_us()
    while True:
        step()
        step()
        step()
        step()
        step()
        step()
        step()
        step()
        n += 8
        dt = time.ticks_diff(time.ticks_us(), t0)
        if dt >= limit:
            return n, dt
