"""The repository stands alone: a user's clone has everything its files
point at. No file names the workspace's notes it was written from (a
`shared` folder beside the checkout, its numbered source documents); every
relative link in a Markdown file and every symlink the repository holds
resolves to a path inside it. Sources are cited by what a user can open: a
vendor document's title, a public URL, a public repository's path."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent  # the checkout, not an installed copy

# Built from pieces, so this file does not name what it looks for.
_OUTSIDE = re.compile("|".join([
    re.escape("../" + "shared"),
    re.escape("shared/" + "spec"),
    re.escape("shared/" + "seeds"),
    "seed" + r"s?[\s#_-]*\d+\b",  # a numbered source note, however spelt
    re.escape("/work/" + "shared"),
    re.escape("/work/" + "notes"),
    r"(?<![\w.-])" + "shared" + r"/(?:hooks|spec|seeds)\b",
]), re.IGNORECASE)

# [text](target) and [label]: target
_INLINE = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_REFERENCE = re.compile(r"^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def _files():
    """The tracked files, and the new ones not yet committed (not ignored):
    what the next commit holds."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: the repository's file list is git's")
    out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                         capture_output=True, timeout=60, check=True).stdout
    return sorted({ROOT / f for f in out.decode().split("\0") if f})


def _text(path):
    if path.is_symlink() or not path.is_file():
        return None
    data = path.read_bytes()
    if b"\0" in data[:8192]:
        return None  # binary
    return data.decode("utf-8", "replace")


def _inside(path):
    root = ROOT.resolve()
    p = Path(os.path.realpath(path))
    return p == root or root in p.parents


def test_no_file_names_a_source_outside_the_repository():
    found = []
    for f in _files():
        text = _text(f)
        if text is None:
            continue
        for n, line in enumerate(text.splitlines(), 1):
            if _OUTSIDE.search(line):
                found.append(f"{f.relative_to(ROOT)}:{n}: {line.strip()[:120]}")
    assert not found, "files that point outside the repository:\n" + "\n".join(found)


def _links(text):
    # Code blocks and inline code show commands and paths, not links.
    text = re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)
    text = re.sub(r"`[^`\n]*`", "", text)
    for m in (*_INLINE.finditer(text), *_REFERENCE.finditer(text)):
        yield m.group(1)


def test_every_relative_markdown_link_resolves_inside_the_repository():
    bad = []
    for f in _files():
        if f.suffix.lower() != ".md" or not f.is_file():
            continue
        for target in _links(f.read_text(encoding="utf-8")):
            if _SCHEME.match(target) or target.startswith("#"):
                continue  # a URL or an anchor in the same page
            path = target.split("#", 1)[0].split("?", 1)[0]
            to = (ROOT / path.lstrip("/")) if path.startswith("/") else f.parent / path
            if not (_inside(to) and to.exists()):
                bad.append(f"{f.relative_to(ROOT)}: ({target})")
    assert not bad, "links to nothing in the repository:\n" + "\n".join(bad)


def test_every_symlink_in_the_repository_stays_inside_it():
    bad = [f"{f.relative_to(ROOT)} -> {os.readlink(f)}" for f in _files()
           if f.is_symlink() and not (_inside(f) and f.exists())]
    assert not bad, "symlinks that leave the repository or point at nothing:\n" + "\n".join(bad)


def test_the_checks_see_what_they_look_for():
    # The patterns themselves, against lines that must and must not match.
    assert _OUTSIDE.search("see " + "../" + "shared/x.md")
    assert _OUTSIDE.search("Seed" + " 004's programs")
    assert not _OUTSIDE.search("random.seed(4); shared by the threads")
    s = "seed"  # the lines here are built from pieces: this file is checked too
    for spelt in (s + "s 001", s + "000", s + "-003", s + " 7", "/work/" + "shared" + "/hooks/x",
                  "see " + "shared" + "/hooks", "/work/" + "notes" + "/a.md"):
        assert _OUTSIDE.search(spelt), spelt
    assert not _OUTSIDE.search("hypothesis seed(12345) and a shared/ folder of the user's")
    text = "a [b](../c.md#d) c\n[e]: f/g.md\n`[h](nope.md)`\n```\n[i](nope.md)\n```\n"
    assert list(_links(text)) == ["../c.md#d", "f/g.md"]


def _ignored(rel):
    p = subprocess.run(["git", "check-ignore", "-q", "--no-index", rel], cwd=ROOT, timeout=30)
    return p.returncode == 0


def test_generated_files_go_to_ignored_paths():
    _files()  # skips outside a git checkout
    # `make image`'s default output.
    image = re.search(r"^IMAGE\s*\?=\s*(\S+)", (ROOT / "Makefile").read_text(), re.MULTILINE).group(1)
    assert _ignored(image), image
    assert _ignored("fs.img")  # made by hand at the root, as the README's commands do
    # The bench: a --quick run's output is ignored, a full run's is the tracked results.
    p = subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, 'bench'); import run; "
                        "print(run.parse(['--quick']).out); print(run.parse([]).out)"],
                       cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    quick, full = (Path(x).relative_to(ROOT).as_posix() for x in p.stdout.split())
    assert quick != full and _ignored(quick), quick
    assert full == "bench/results.json" and not _ignored(full)
