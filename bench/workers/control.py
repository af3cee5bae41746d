# A worker's lifeline to the orchestrator: it reads commands from stdin with a
# timeout, so a worker whose orchestrator died (stdin at EOF) or went quiet
# exits on its own instead of lingering.
import sys
import select
import gc

_poll = select.poll()
_poll.register(sys.stdin, select.POLLIN)


def command(timeout_ms):
    """The next line from the orchestrator; "quit" at EOF, None on timeout."""
    if not _poll.poll(timeout_ms):
        return None
    line = sys.stdin.readline()
    return line.strip() if line else "quit"


def heap_free():
    # Collect twice: the first pass can leave garbage that a finaliser or a
    # thread's stack was still pointing at when it started.
    gc.collect()
    gc.collect()
    return gc.mem_free()


def say(*words):
    # One write per line: threads share stdout and the unix port has no GIL.
    sys.stdout.write(" ".join([str(w) for w in words]) + "\n")
