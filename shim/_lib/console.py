# print() writes each argument separately, and the unix port runs threads
# without a GIL, so lines printed by two threads at once interleave mid-line.
# QuecPython apps print from many threads; one write per line keeps them whole.
import sys

def print(*args, sep=" ", end="\n", file=None, flush=False):
    out = file or sys.stdout
    out.write(sep.join([str(a) for a in args]) + end)
    if flush:
        out.flush()


def install():
    import builtins

    builtins.print = print
