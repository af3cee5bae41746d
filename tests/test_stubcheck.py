"""The shim against QuecPython's published stubs (qpyshim.stubcheck): no
mismatch in any module the shim provides, and the report in shim/README.md
is the current one."""

import json

import pytest

from qpyshim import stubcheck


@pytest.fixture(scope="module")
def report():
    return stubcheck.run_check()


def test_every_stub_module_is_provided(report):
    spec = json.loads(stubcheck.SPEC.read_text())
    assert sorted(report) == sorted(m for m in spec if not m.startswith("_") or m == "_thread")
    missing = [m for m, items in report.items() if any(i["kind"] == "module" for i in items)]
    assert missing == []


def test_no_mismatch(report):
    assert stubcheck.mismatches(report) == []


def test_readme_report_is_current(report):
    text = stubcheck.README.read_text()
    assert stubcheck.render(report) in text, "run `qpyshim stubcheck --write` and commit shim/README.md"


def _stub(*params):
    return {"params": [{"name": n, "default": d} for n, d in params]}


def test_the_comparison_finds_what_differs():
    def f(host, port=80, *, flag=False):
        pass

    def g(a, b):
        pass

    ok = stubcheck._compare(_stub(("host", None), ("port", "80")), f, False, ())
    assert ok[0] == [] and ok[1] == ["adds keyword flag"]
    bad, _, _ = stubcheck._compare(_stub(("host", None), ("port", "8080")), f, False, ())
    assert bad == ["default of 'port' is 80, the stub's is 8080"]
    bad, _, _ = stubcheck._compare(_stub(("x", None), ("y", None), ("z", None)), g, False, ())
    assert bad == ["parameter 1 is 'a', the stub's is 'x'", "parameter 2 is 'b', the stub's is 'y'",
                   "has no parameter 'z' (position 3)"]
    bad, _, _ = stubcheck._compare(_stub(("a", None)), g, False, ())
    assert bad == ["requires 'b', which the stub does not have"]
    bad, _, _ = stubcheck._compare(_stub(("a", None), ("b", "None")), g, False, ())
    assert bad == ["'b' is required; the stub's default is None"]


def test_cli_exit_status(monkeypatch, capsys):
    monkeypatch.setattr(stubcheck, "run_check", lambda: {"m": [
        {"kind": "function", "name": "f", "bad": ["x"], "ext": [], "note": None, "missing": False,
         "omitted": None}]})
    assert stubcheck.main([]) == 1
    assert "- m: f: x" in capsys.readouterr().out


def test_the_comparison_finds_call_styles_the_shim_refuses():
    def posonly(a, b=None, /):
        pass

    bad, _, _ = stubcheck._compare(_stub(("a", None), ("b", "None")), posonly, False, ())
    assert bad == ["'a' is positional-only; the stub lets it be passed by name",
                   "'b' is positional-only; the stub lets it be passed by name"]

    class C:
        @property
        def text(self):
            return ""

    method = {"params": [{"name": "self", "default": None}]}
    assert stubcheck._compare(method, (C, "text"), True, ())[0] == ["is a property, the stub's is a method"]
    assert stubcheck._compare(method, (C, "text"), True, (), prop_ok=True)[0] == []
