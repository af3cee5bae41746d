"""What ships to a board follows the tree's layout (qpyshim/shipping.py), and
every list of board files agrees with it: the image, a deploy's file set,
package.json for mip and the firmware manifest. None of them carries a module
only the desktop uses."""

import json

import pytest

from conftest import EXAMPLES, ROOT
from qpyshim import boardfiles, firmware, shipping


def _desktop_only(path):
    """A shim-relative path under the desktop's folder or a desktop port."""
    parts = path.split("/")
    return parts[0] == "_desktop" or parts[:2] in (["_ports", "unix"], ["_ports", "cpython"])


def test_the_tree_has_the_roles_the_rule_names():
    every = shipping.device_files()
    assert any(p.startswith("_desktop/") for p in every)
    assert any(p.startswith("_ports/unix/") for p in every) and any(p.startswith("_ports/esp32/") for p in every)
    assert any(p.startswith("_modems/") for p in every)
    assert "usocket.py" in every and "_ports/__init__.py" in every


def test_a_board_gets_no_desktop_module():
    board = shipping.device_files("esp32")
    assert board and not [p for p in board if _desktop_only(p)]
    # ... and everything else: the rule drops nothing a board needs
    assert set(shipping.device_files()) - set(board) == {p for p in shipping.device_files() if _desktop_only(p)}


def test_the_virtual_board_gets_the_desktop_but_no_other_port():
    unix = shipping.device_files("unix")
    assert any(p.startswith("_desktop/") for p in unix) and any(p.startswith("_ports/unix/") for p in unix)
    assert not [p for p in unix if p.startswith(("_ports/cpython/", "_ports/esp32/"))]


def test_an_unknown_port_is_refused():
    with pytest.raises(ValueError, match="no board port 'rp2'"):
        shipping.device_files("rp2")


def test_the_image_and_a_deploy_carry_the_board_set(tmp_path):
    cfg = boardfiles.load_config("esp32")
    files = boardfiles.collect(cfg, EXAMPLES / "echo_demo", use_mpy=False)
    shim = sorted(f.path[len("shim/"):] for f in files if f.path.startswith("shim/"))
    assert shim == shipping.device_files("esp32")


def test_package_json_is_the_board_set_and_in_step():
    urls = json.loads((ROOT / "package.json").read_text())["urls"]
    assert [dest for dest, _ in urls] == [f"shim/{p}" for p in shipping.device_files("esp32")]
    assert not [src for _, src in urls if _desktop_only(src[len("shim/"):])]


def test_the_firmware_manifest_is_the_board_set_and_in_step():
    frozen = [n for n, _ in firmware.check_manifest() if n not in ("include",)]
    lazy = {m + ".py" for m in shipping.lazy_modules()}
    in_package = {n[len("shim/"):] for n in frozen if n.startswith("shim/")}
    top = {n for n in frozen if n in lazy}
    assert in_package | top == set(shipping.device_files("esp32"))
    assert not [n for n in in_package if _desktop_only(n)]


def test_generated_files_match_the_rule():
    # `python -m qpyshim.shipping` rewrites them; this fails when someone
    # adds a module and forgets to.
    for path, text in shipping.outputs().items():
        assert path.read_text() == text, f"{path.name} is out of step: run python -m qpyshim.shipping"
    assert shipping.main(["--check"]) == 0
