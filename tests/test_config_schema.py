"""One JSON Schema (qpyshim/data/config.schema.json) for every board config
and every --net/--config file: an unknown key is an error naming the nearest
known key, a wrong type names its place, every command that reads a config
refuses a bad one before it does anything, and boards/unix/README.md
documents exactly the schema's keys."""

import json
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from qpyshim import configschema, dialects, netconfig, paths

ROOT = Path(__file__).resolve().parent.parent  # the checkout: its docs
ONE = dialects.names()[0]  # any dialect: the --net file is the same for all
QPYSHIM = [sys.executable, "-m", "qpyshim"]
BOARDS = sorted(p.parent.name for p in paths.BOARDS.glob("*/board.json"))
README = ROOT / "boards" / "unix" / "README.md"
TIMEOUT = 60


def _qpyshim(*args, cwd=None):
    return subprocess.run([*QPYSHIM, *args], capture_output=True, text=True, timeout=TIMEOUT,
                          stdin=subprocess.DEVNULL, cwd=cwd or ROOT)


def _file(tmp_path, data, name="my.json"):
    p = tmp_path / name
    p.write_text(json.dumps(data))
    return p


def _one_line_error(r):
    """A refused config: status 2, one line on stderr, no traceback."""
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2 and len(lines) == 1 and "Traceback" not in r.stderr, r
    return lines[0]


# -- the schema and the shipped configs ---------------------------------------
def test_the_schema_is_a_json_schema():
    Draft202012Validator.check_schema(configschema.schema())


@pytest.mark.parametrize("board", BOARDS)
def test_every_shipped_board_config_is_valid(board):
    cfg = json.loads((paths.BOARDS / board / "board.json").read_text())
    errors = [e.message for e in Draft202012Validator(configschema.schema()).iter_errors(cfg)]
    assert not errors, (board, errors)
    netconfig.load(paths.BOARDS / board / "board.json")  # and the checks past the schema


def test_three_boards_are_shipped():
    assert BOARDS == ["esp32", "quectel", "unix"]


def test_every_dialect_option_is_a_stack_key():
    """A modem dialect's options are stack keys (`qpyshim modem --help`):
    a new dialect's option goes into the schema, and so into the README."""
    props = configschema.schema()["properties"]["stack"]["properties"]
    missing = sorted(set(dialects.options()) - set(props))
    assert not missing, f"add these to stack in qpyshim/data/config.schema.json: {missing}"


# -- unknown keys ---------------------------------------------------------------
@pytest.mark.parametrize("cfg,words", [
    ({"hostz": {}}, 'unknown key "hostz" (did you mean "hosts"?)'),
    ({"endpoint": {}}, 'unknown key "endpoint" (did you mean "endpoints"?)'),
    ({"datacall": {"profilez": {}}}, 'datacall: unknown key "profilez" (did you mean "profiles"?)'),
    ({"datacall": {"profiles": {"2": {"ipb4": "127.0.0.2"}}}},
     'datacall.profiles.2: unknown key "ipb4" (did you mean "ipv4"?)'),
    ({"stack": {"comand_timeout_ms": 50}}, 'stack: unknown key "comand_timeout_ms" (did you mean "command_timeout_ms"?)'),
    ({"link": {"wlan": {"sid": "lab"}}}, 'link.wlan: unknown key "sid" (did you mean "ssid"?)'),
    ({"limits": {"socket": 4}}, 'limits: unknown key "socket" (did you mean "sockets"?)'),
    ({"imei": "866327040830317"}, 'unknown key "imei" (did you mean "modem.imei"?)'),
    ({"sim": {"hosts": {}}}, 'sim: unknown key "hosts" (did you mean the top-level "hosts"?)'),
    ({"datacall": {"apn": "internet"}}, 'datacall: unknown key "apn" (did you mean "datacall.profiles.N.apn"?)'),
    ({"link": {"ssid": "lab"}}, 'link: unknown key "ssid" (did you mean "link.wlan.ssid"?)'),
])
def test_an_unknown_key_names_the_nearest_known_key(cfg, words):
    assert configschema.problem(cfg) == words


def test_an_unknown_key_with_no_near_one_lists_the_known_keys():
    msg = configschema.problem({"ports": {"zzz": 1}})
    assert msg == 'ports: unknown key "zzz" (known keys: remap_privileged, offset)'


def test_a_map_key_of_the_wrong_form_is_named():
    assert configschema.problem({"adc": {"7": 100}}) == 'adc: unknown key "7": channels are "0" to "3" (ADC0-ADC3)'
    assert "UARTs are numbered" in configschema.problem({"uart": {"two": "/dev/ttyS0"}})


# -- wrong types -------------------------------------------------------------------
@pytest.mark.parametrize("cfg,words", [
    ({"endpoints": {"1.2.3.4:80": ["127.0.0.1:80"]}},
     'endpoints."1.2.3.4:80": expected a string "ip:port" or "ip", got a list of 1'),
    ({"hosts": {"www.example.com": 5}}, 'hosts."www.example.com": expected an IP address string, got 5'),
    ({"stand_ins": [{"kind": "http", "endpoint": 80}]},
     'stand_ins[0].endpoint: expected a string "ip:port" or "ip", got 80'),
    ({"stand_ins": [{"kind": "http"}]}, 'stand_ins[0]: missing key "endpoint"'),
    ({"model": {"pdp_range": {"EC600U": "1-7"}}}, 'model.pdp_range.EC600U: expected [first, last], got "1-7"'),
    ({"model": {"pdp_range": 7}}, 'model.pdp_range: expected {"SERIES": [first, last], ...} or [first, last], got 7'),
    ({"datacall": {"profiles": {"1": {"dns": ["127.0.0.53"]}}}},
     'datacall.profiles.1.dns: expected ["primary", "secondary"], got a list of 1'),
    ({"sim": {"pin_enabled": "yes"}}, 'sim.pin_enabled: expected true or false, got "yes"'),
    # JSON Schema takes 8000.0 for an integer; a port offset or a count written so is a mistake
    ({"ports": {"offset": 8000.0}}, "ports.offset: expected a whole number, got 8000.0"),
    ({"limits": {"sockets": 1.0}}, "limits.sockets: expected a whole number or null, got 1.0"),
    ({"ports": {"remap_privileged": "sometimes"}}, 'ports.remap_privileged: expected auto, always or never, got "sometimes"'),
    ({"hosts": ["www.example.com"]}, "hosts must be an object, not a list of 1"),
    ({"stand_ins": {}}, 'stand_ins must be a list of {"kind": ..., "endpoint": "ip:port"}, not an object'),
])
def test_a_wrong_type_names_the_path(cfg, words):
    assert configschema.problem(cfg) == words


def test_check_raises_the_config_error_with_its_source():
    with pytest.raises(netconfig.ConfigError, match=r'^my\.json: unknown key "hostz"'):
        configschema.check({"hostz": {}}, "my.json")
    assert configschema.ConfigError is netconfig.ConfigError


def test_out_of_tree_dialect_options_are_stack_keys(monkeypatch):
    """A $QPYSHIM_DIALECTS dialect's own options are stack keys too: the
    registry is asked for a stack key the schema does not have."""
    cfg = {"stack": {"driver": "mine", "line": 2, "wake_ms": 5}}
    assert 'unknown key "wake_ms"' in configschema.problem(cfg)
    option = dialects.Option("wake_ms", 10, "wake-up time, ms")
    monkeypatch.setattr(dialects, "options", lambda: {"wake_ms": (option, ())})
    assert configschema.problem(cfg) is None


# -- the quick walk and jsonschema agree ---------------------------------------------
def _mutations(base, n, seed):
    """n configs, each the base with one value replaced or one key added."""
    rnd = random.Random(seed)
    others = [None, True, 0, -3, 2.5, "x", "127.0.0.1:80", [], [1, 2], ["a", "b"], {}, {"k": 1}]

    def places(v, path=()):
        yield path
        if isinstance(v, dict):
            for k, x in v.items():
                yield from places(x, path + (k,))
        elif isinstance(v, list):
            for i, x in enumerate(v):
                yield from places(x, path + (i,))

    spots = list(places(base))
    for _ in range(n):
        cfg = json.loads(json.dumps(base))
        path = rnd.choice(spots[1:])
        parent = cfg
        for p in path[:-1]:
            parent = parent[p]
        if isinstance(parent, dict) and rnd.random() < 0.3:
            parent[rnd.choice(["hostz", "x", path[-1] + "s" if isinstance(path[-1], str) else "y"])] = 1
        else:
            parent[path[-1]] = rnd.choice(others)
        yield cfg


@pytest.mark.parametrize("board", BOARDS)
def test_the_quick_walk_never_passes_what_jsonschema_refuses(board):
    """check() asks jsonschema only when its own walk is unsure: the walk
    must never call valid what jsonschema calls invalid; and each refusal
    is one line of words, never a traceback."""
    base = json.loads((paths.BOARDS / board / "board.json").read_text())
    v = Draft202012Validator(configschema.schema())
    refused = 0
    for cfg in _mutations(base, 400, board):
        valid = v.is_valid(cfg)
        if configschema._ok(configschema.schema(), cfg):
            assert valid, cfg
        msg = configschema.problem(cfg)
        assert (msg is None) == valid, (cfg, msg)
        if msg is not None:
            refused += 1
            assert "\n" not in msg and "Traceback" not in msg, msg
    assert refused > 100


def test_a_valid_config_does_not_import_jsonschema():
    """jsonschema takes as long to import as a whole `qpyshim run`: a valid
    config never pays for it."""
    code = ("import sys; from qpyshim import netconfig, paths; "
            "netconfig.load(paths.board_dir('unix') / 'board.json'); "
            "print('jsonschema' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=TIMEOUT, cwd=ROOT)
    assert r.returncode == 0 and r.stdout.strip() == "False", r


# -- every command refuses a bad config before it does anything ------------------------
def test_run_names_the_net_file_and_runs_nothing(tmp_path):
    app = tmp_path / "app.py"
    app.write_text("print('ran', 1)\n")
    net = _file(tmp_path, {"hostz": {"broker.example.com": "203.0.113.20"}})
    line = _one_line_error(_qpyshim("run", "--net", str(net), str(app)))
    assert line == f'qpyshim: config error: {net}: unknown key "hostz" (did you mean "hosts"?)'
    net = _file(tmp_path, {"endpoints": {"1.2.3.4:80": ["127.0.0.1:80"]}})
    r = _qpyshim("run", "--net", str(net), str(app))
    assert 'endpoints."1.2.3.4:80": expected a string "ip:port" or "ip", got a list' in _one_line_error(r)
    assert "ran" not in r.stdout


def test_modem_net_with_a_list_for_a_map_is_a_clean_error(tmp_path):
    """It was an AttributeError traceback."""
    net = _file(tmp_path, {"hosts": ["www.example.com"]})
    line = _one_line_error(_qpyshim("modem", ONE, "--tcp", "0", "--net", str(net)))
    assert line == f"qpyshim: config error: --net {net}: hosts must be an object, not a list of 1"


@pytest.mark.parametrize("data,words", [
    ({"hostz": {}}, 'unknown key "hostz" (did you mean "hosts"?)'),
    ({"endpoints": {"203.0.113.5:80": "8.8.8.8:80"}}, "must be a loopback address"),
    ({"hosts": {"www.example.com": "not-an-ip"}}, "is not an IP address"),
])
def test_modem_net_is_checked(tmp_path, data, words):
    net = _file(tmp_path, data)
    line = _one_line_error(_qpyshim("modem", ONE, "--tcp", "0", "--net", str(net)))
    assert words in line, line


def test_the_modem_simulator_refuses_a_bad_config():
    from qpyshim.modemsim.net import SimNet

    with pytest.raises(netconfig.ConfigError, match="hosts must be an object"):
        SimNet({"hosts": ["a"]})
    assert SimNet({"hosts": {"Peer.Example": "127.0.0.9"}}).resolve("peer.example") == "127.0.0.9"


def test_image_refuses_a_bad_config_and_writes_nothing(tmp_path):
    app = tmp_path / "app.py"
    app.write_text("print(1)\n")
    cfg = _file(tmp_path, {"link": {"wlan": {"sid": "lab"}}})
    out = tmp_path / "fs.img"
    r = _qpyshim("image", "--config", str(cfg), "-o", str(out), str(app))
    assert 'link.wlan: unknown key "sid" (did you mean "ssid"?)' in _one_line_error(r)
    assert not out.exists()


def test_deploy_checks_the_config_before_the_port(tmp_path):
    """No serial port at all: the config error comes first."""
    app = tmp_path / "app.py"
    app.write_text("print(1)\n")
    port = str(tmp_path / "no-such-tty")
    cfg = _file(tmp_path, {"modem": {"imie": "860000000000001"}})
    line = _one_line_error(_qpyshim("deploy", "--port", port, "--config", str(cfg), str(app)))
    assert line == f'qpyshim: config error: {cfg}: modem: unknown key "imie" (did you mean "imei"?)'
    # with the board named, the checks past the schema run too
    cfg = _file(tmp_path, {"endpoints": {"203.0.113.5:80": "8.8.8.8:80"}})
    line = _one_line_error(_qpyshim("deploy", "--port", port, "--board", "esp32", "--config", str(cfg), str(app)))
    assert "config error" in line and "must be a loopback address" in line
    # and a good config gets as far as the port
    cfg = _file(tmp_path, {"modem": {"imei": "860000000000001"}})
    r = _qpyshim("deploy", "--port", port, "--config", str(cfg), str(app))
    assert r.returncode == 2 and "cannot open" in r.stderr and "config error" not in r.stderr, r


def test_board_checks_its_flash_config_before_it_starts(tmp_path):
    (tmp_path / "board.json").write_text(json.dumps({"hosts": {"a.example": "127.0.0.1"}, "limitz": {}}))
    r = _qpyshim("board", "--dir", str(tmp_path))
    line = _one_line_error(r)
    assert line == (f'qpyshim board: config error: {tmp_path / "board.json"}: unknown key "limitz" '
                    f'(did you mean "limits"?)')
    assert "/dev/pts" not in r.stdout


def test_a_file_that_is_not_a_config_is_one_line(tmp_path):
    app = tmp_path / "app.py"
    app.write_text("print(1)\n")
    for text in ("[1, 2]", "{not json", '{"hosts": {"a": "127.0.0.1"}, "hosts2": 1}'):
        net = tmp_path / "net.json"
        net.write_text(text)
        assert str(net) in _one_line_error(_qpyshim("run", "--net", str(net), str(app)))


# -- the README is the schema's --------------------------------------------------------
_KEY = re.compile(r"^[a-z_][a-z0-9_]*(?:\[\])?(?:\.[A-Za-z0-9_]+(?:\[\])?)*$")


def documented_keys(text):
    """Backquoted keys in the first column of every table whose first
    header cell is "key"."""
    out, in_keys = set(), False
    for line in text.splitlines():
        if not line.startswith("|"):
            in_keys = False
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] == "key":
            in_keys = True
        elif in_keys and not set(cells[0]) <= set("-: "):
            out |= {k for k in re.findall(r"`([^`]+)`", cells[0]) if _KEY.match(k)}
    return out


def test_the_readme_documents_every_schema_key():
    leaves = {k for k, leaf in configschema.keys() if leaf}
    missing = sorted(leaves - documented_keys(README.read_text()))
    assert not missing, f"boards/unix/README.md: document these config keys in a `key` table: {missing}"


def test_every_documented_key_is_in_the_schema():
    known = {k for k, _ in configschema.keys()}
    unknown = sorted(documented_keys(README.read_text()) - known)
    assert not unknown, f"boards/unix/README.md documents keys the schema does not have: {unknown}"


def test_the_readme_check_sees_the_tables():
    found = documented_keys(README.read_text())
    assert {"hosts.NAME", "datacall.profiles.N.ipv4", "stack.api_mode", "limits.profile",
            "stand_ins[].kind", "target.layouts.SIZE"} <= found
    assert documented_keys("| key | a |\n|---|---|\n| `x.y`, `z` | `not.a.key` |\n\n| call |\n| `q.r` |\n") == {"x.y", "z"}


def test_the_docs_config_examples_are_valid():
    """Every ```json block in the READMEs that is a config (its keys are
    config sections) passes the schema."""
    top = set(configschema.schema()["properties"])
    docs = [*ROOT.glob("*.md"), *(ROOT / "boards").glob("*/README.md"), *(ROOT / "examples").rglob("*.md")]
    seen = 0
    for doc in docs:
        for block in re.findall(r"```json\n(.*?)```", doc.read_text(), re.S):
            data = json.loads(block)
            if isinstance(data, dict) and data and set(data) <= top:
                seen += 1
                assert configschema.problem(data) is None, (doc, data, configschema.problem(data))
    assert seen >= 5
