"""The docs describe the tree as it is. shim/README.md's Layout table has a
line for every device file and none for a file that is gone, and no Markdown
file in the repository names a shim path or module that does not exist (the
flat names of before the tree was laid out by role, `_port.py`, `_vnet.py`,
..., included). Reads files only: no interpreter is started."""

import re

from qpyshim.paths import ROOT, SHIM

# Folders that are not the project's own documents.
SKIP = {".git", ".venv", "__pycache__", "node_modules", ".pytest_cache", ".hypothesis"}

# Names that look like a shim module but are someone else's, with the reason
# they stay in the docs.
NOT_OURS = {
    "_boot.py": "QuecPython's / MicroPython's own boot script, cited as a source",
}

# The flat tree's private modules (shim/_NAME.py until the tree was laid out by
# role): a bare `_NAME` in the docs is one of them unless the tree has it again.
OLD_FLAT = set("""_adc _app _atline _boardnet _cloud _cloudsign _config _console _control
    _esp32_link _eswifi _eswifi_at _eswifi_link _firewall _fs _fs_flash _gpio _iplit _limits
    _mcore _mline _modem _modemnet _mqtt _msock _mtimer _nic _nv _port _port_cpython
    _port_cpython_io _port_esp32 _port_unix _pwm _sockargs _sockcalls _stack _telit _telit_at
    _telit_link _termios _ticks30 _timers _tls _uart _vnet _wip _wip_codec _wip_line _wip_rx
    _wip_udp _xbee _board _power""".split())

# shim/... from the repository's root: a folder, a file, or a path into one
# (`shim/raw`, a ratio in the bench's tables, is none of them).
SHIM_PATH = re.compile(r"(?<![\w/.<>$-])shim/((?:_[\w.*-]*|[\w*-]+\.(?:py|md)\b|[\w*-]+/)[\w./*-]*|(?=\W|$))")
SHIM_REL = re.compile(r"`(_[a-z][a-z0-9_]*/[\w./*-]*)")  # `_lib/x.py`: relative to shim/
BARE_FILE = re.compile(r"(?<![\w/.*-])(_[a-z][a-z0-9_*]*\.py)\b")  # _name.py, _name*.py
BARE_MODULE = re.compile(r"(?<![\w/.*-])(_[a-z][a-z0-9_]*)\.(?!py\b)[A-Za-z_]")  # _name.attr
TICKED_MODULE = re.compile(r"`(_[a-z][a-z0-9_]*)`")  # `_name`, checked against OLD_FLAT


def _docs():
    for p in sorted(ROOT.rglob("*.md")):
        rel = p.relative_to(ROOT)
        if any(part in SKIP or part.endswith(".egg-info") for part in rel.parts):
            continue
        yield p


def _shim_files():
    return sorted(p.relative_to(SHIM).as_posix() for p in SHIM.rglob("*.py") if "__pycache__" not in p.parts)


def _layout_rows():
    text = (SHIM / "README.md").read_text()
    section = re.search(r"^## Layout\n(.*?)^## ", text, re.M | re.S)
    assert section, "shim/README.md has no '## Layout' section"
    return re.findall(r"^\| `([^`]+)` \|", section.group(1), re.M)


def _exists_under(base, path):
    """Whether `path` (relative to `base`) exists; it is checked up to its first
    placeholder (NAME, KIND: capitals) and without trailing dots or commas."""
    parts = []
    for part in path.rstrip(".,:;").split("/"):
        if part and re.fullmatch(r"[A-Z][A-Z0-9_]*", part):
            break
        parts.append(part)
    rel = "/".join(parts)
    if "*" in rel:
        return any(base.glob(rel.rstrip("/")))  # a rule's pattern names files there are
    return (base / rel).exists()


def _module_exists(name):
    return (SHIM / (name + ".py")).is_file() or (SHIM / name).is_dir()


def test_the_layout_table_names_every_shim_file():
    rows = _layout_rows()
    missing = [f for f in _shim_files() if f not in rows]
    assert not missing, ("add a line for each to the Layout table of shim/README.md "
                         "(and run `python -m qpyshim.shipping`): %s" % missing)


def test_every_file_in_the_layout_table_exists_once():
    rows = _layout_rows()
    gone = [r for r in rows if not (SHIM / r).is_file()]
    assert not gone, "shim/README.md's Layout table names files that are not in shim/: %s" % gone
    twice = sorted({r for r in rows if rows.count(r) > 1})
    assert not twice, "named twice in the Layout table: %s" % twice


def _stale_mentions(doc, root=ROOT):
    text = doc.read_text()
    out = []

    def bad(line_no, what):
        out.append("%s:%d: %s" % (doc.relative_to(root), line_no, what))

    for n, line in enumerate(text.splitlines(), 1):
        for m in SHIM_PATH.finditer(line):
            if not _exists_under(SHIM, m.group(1)):
                bad(n, "shim/" + m.group(1).rstrip(".,:;"))
        for m in SHIM_REL.finditer(line):
            if not _exists_under(SHIM, m.group(1)):
                bad(n, m.group(1).rstrip(".,:;"))
        for m in BARE_FILE.finditer(line):
            name = m.group(1)
            if name in NOT_OURS or (SHIM / name).is_file() or (doc.parent / name).is_file():
                continue
            if "*" in name and any(SHIM.glob(name)):
                continue
            bad(n, name)
        for rx in (BARE_MODULE, TICKED_MODULE):
            for m in rx.finditer(line):
                name = m.group(1)
                if name in NOT_OURS or _module_exists(name) or (doc.parent / (name + ".py")).is_file():
                    continue
                if rx is TICKED_MODULE and name not in OLD_FLAT:
                    continue  # a private function or attribute named in prose
                bad(n, name)
    return out


def test_no_document_names_a_shim_path_that_is_gone():
    docs = list(_docs())
    assert SHIM / "README.md" in docs and ROOT / "README.md" in docs
    stale = [s for d in docs for s in _stale_mentions(d)]
    assert not stale, "Markdown names shim paths or modules that do not exist:\n" + "\n".join(stale)


def test_the_check_catches_old_names(tmp_path):
    doc = tmp_path / "x.md"
    doc.write_text("`_port.py` picks `_port_unix.py`; `_vnet`/`_boardnet`; `_limits.live`;\n"
                   "see shim/_stack.py, shim/_port*.py and `_desktop/gone.py`.\n"
                   "Fine: `_thread.stack_size`, shim/_lib/board.py, `_ports/esp32/`, `_boot.py`,\n"
                   "shim/_modems/NAME/, <flash>/shim/_modems/<name>/, /lib/shim, shim/raw 0.98,\n"
                   "`_ports/*.py`, shim/usocket.py, shim/README.md, `_recvfrom`. Gone: shim/gone.py, `_port*.py`.\n")
    found = sorted(s.split(": ", 1)[1] for s in _stale_mentions(doc, root=tmp_path))
    assert found == sorted(["_port.py", "_port_unix.py", "_vnet", "_boardnet", "_limits",
                            "shim/_stack.py", "shim/_port*.py", "_desktop/gone.py", "shim/gone.py", "_port*.py"]), found
