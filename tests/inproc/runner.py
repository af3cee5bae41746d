# In-process case runner: `<micropython|python> runner.py ROOT CASEFILE NAME...`
# (ROOT: the repository, whose shim/ is installed; paths absolute).
# Installs the shim in this interpreter (the config, /usr and /bak come from
# QPYSHIM_CONFIG / QPYSHIM_USR / QPYSHIM_FLASH, as `qpyshim run` sets them),
# imports the case file and runs the named `case_*` functions in order, each
# given a fresh Rec. One line per case on stdout, for tests/inproc/host.py:
#   @@inproc start NAME
#   @@inproc end NAME {"ok": bool, "ms": int, "tb": str, "skip": str|None, "out": str, "err": str}
# A case that never ends is the host's to time out (it kills this process and
# starts the rest again): no interpreter here can stop a stuck call.
# With QPYSHIM_CASE_CONFIGS=DIR every case runs on a fresh board
# (shim._lib.board.install) built from DIR/NAME.json, or from the run's config
# when there is none. A case file may define `run_case(name, r)` for the
# names it has no `case_*` function for (cases the host names, e.g. one per
# conformance table).
# Plain Python that runs on MicroPython's unix port and on CPython.
import sys

MARK = "@@inproc "
_real_out = sys.stdout


def _dir(p):
    return p.rsplit("/", 1)[0] if "/" in p else "."


def _emit(text):
    # One write per line: case threads may still be printing.
    _real_out.write(MARK + text + "\n")
    try:
        _real_out.flush()
    except AttributeError:
        pass


def _literal(text):
    """What Result.value reads a printed value as: a Python literal, else the
    text (literal_eval's rule, without the ast module MicroPython lacks)."""
    t = text.strip()
    i, n, prev = 0, len(t), ""
    while i < n:
        c = t[i]
        if c in "'\"":
            q = t[i:i + 3] if t[i:i + 3] in ("'''", '"""') else c
            i += len(q)
            while i < n and t[i:i + len(q)] != q:
                i += 2 if t[i] == "\\" else 1
            if i >= n:
                return text
            i += len(q)
            prev = c
            continue
        if c.isalpha() or c == "_":
            j = i
            while j < n and (t[j].isalpha() or t[j].isdigit() or t[j] == "_"):
                j += 1
            word = t[i:j]
            number_part = prev.isdigit() or prev == "."
            prefix = word in ("b", "r", "br", "rb", "u") and j < n and t[j] in "'\""
            if not (number_part or prefix or word in ("True", "False", "None")):
                return text
            prev = t[j - 1]
            i = j
            continue
        if c not in "0123456789.,:+-()[]{} \t":
            return text
        prev = c
        i += 1
    try:
        return eval(t, {})
    except Exception:
        return text


class Rec:
    """A case's own transcript, read as qpyshim.testing.Result reads an
    app's: code (0: the case body got this far), out, err, lines, value()."""

    code = 0

    def __init__(self):
        self._out = []
        self._err = []

    @property
    def out(self):
        return "".join(self._out)

    @property
    def err(self):
        return "".join(self._err)

    @property
    def lines(self):
        return self.out.splitlines()

    def value(self, key):
        for line in self.lines:
            if line.startswith(key + " "):
                return _literal(line[len(key) + 1:])
        raise AssertionError("%r not printed; stdout:\n%s\nstderr:\n%s" % (key, self.out, self.err))

    def __repr__(self):
        return "<Rec\n--- stdout\n%s\n--- stderr\n%s>" % (self.out, self.err)


class _Sink:
    def __init__(self, parts):
        self.parts = parts

    def write(self, s):
        self.parts.append(s)
        return len(s)

    def flush(self):
        pass


def _traceback(e):
    if hasattr(sys, "print_exception"):  # MicroPython
        import io

        buf = io.StringIO()
        sys.print_exception(e, buf)
        return buf.getvalue()
    import traceback

    return "".join(traceback.format_exception(type(e), e, e.__traceback__))


def _now_ms():
    import time

    try:
        return time.ticks_ms()
    except AttributeError:
        return int(time.monotonic() * 1000)


def _tracking():
    # Every usocket socket a case makes (accepted ones too) is closed after
    # it, so the next case finds its ports free.
    import usocket

    cls = usocket.socket
    orig = cls.__init__
    made = []

    def init(self, *a, **kw):
        orig(self, *a, **kw)
        made.append(self)

    cls.__init__ = init
    return made


def _boards():
    """None, or a function that powers a fresh board on for a case (see the
    module doc)."""
    import os

    where = os.getenv("QPYSHIM_CASE_CONFIGS")
    if not where:
        return None
    import json
    from shim._ports import port
    from shim._lib import board

    text = port.config_text()
    base = json.loads(text) if text else {}

    def fresh(case):
        try:
            f = port.open_host(where + "/" + case + ".json")
        except OSError:
            cfg = base
        else:
            with f:
                cfg = json.loads(f.read())
        board.install(cfg)

    return fresh


def main(argv):
    import gc
    import json
    import builtins

    root, case_file = argv[1], argv[2]
    sys.path.insert(0, root)  # the shim
    sys.path.insert(0, root + "/tests/inproc")  # inkit
    sys.path.insert(0, _dir(case_file))
    import shim

    shim.install()
    from shim._ports import port

    made = _tracking()
    fresh = _boards()
    name = case_file.rsplit("/", 1)[-1][:-3]
    mod = __import__(name)
    real_print = builtins.print
    for case in argv[3:]:
        _emit("start " + case)
        r = Rec()
        out, err = _Sink(r._out), _Sink(r._err)

        def capture(*args, sep=" ", end="\n", file=None, flush=False):
            (out if file is None or file is sys.stdout else err if file is sys.stderr else file).write(
                sep.join([str(a) for a in args]) + end)

        t0 = _now_ms()
        ok, tb, skip = True, "", None
        old_err = port.stderr
        gc.collect()  # what the cases before it left: a whole heap for each, as in a process of its own
        try:
            if fresh:
                fresh(case)
            builtins.print = capture
            port.stderr = err
            fn = getattr(mod, case, None)
            if fn is None:
                mod.run_case(case, r)
            else:
                fn(r)
        except BaseException as e:  # an assertion, an error, a SystemExit: the case's
            if type(e).__name__ == "Skip":
                skip = str(e)
            else:
                ok, tb = False, _traceback(e)
        finally:
            builtins.print = real_print
            port.stderr = old_err
            teardown = getattr(mod, "teardown", None)
            try:
                if teardown:
                    teardown()
            except Exception as e:
                ok, tb = False, tb + "teardown: " + _traceback(e)
            while made:
                try:
                    made.pop().close()
                except Exception:
                    pass
        _emit("end %s %s" % (case, json.dumps({"ok": ok, "ms": _now_ms() - t0, "tb": tb, "skip": skip,
                                                "out": r.out, "err": r.err})))
    _emit("done")


if __name__ == "__main__":
    main(sys.argv)
