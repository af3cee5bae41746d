"""ql_fs: file helpers over /usr."""
from conformance._kit import R, Raises

D = "DOC API_reference/en/syslib/ql_fs.md"
S = "SRC25 ports/quectel/py/ql_fs.py"

PRELUDE = r'''
import ql_fs, uos


def tree():
    ql_fs.mkdirs('/usr/a/b')
    return {}


def config():
    return {'r': ql_fs.touch('/usr/bin/config.json', {'test': 1})}
'''

ROWS = [
    R(None, "ql_fs.path_exists('/usr/main.py')", True, D + " path_exists -> True"),
    R(None, "ql_fs.path_exists('/usr/xxx.py')", False, D + " path_exists -> False"),
    R(None, "ql_fs.path_exists('/usr')", True, D + " path_exists: folders too"),
    R(None, "ql_fs.path_dirname('/usr/bin')", "/usr", D + " path_dirname example"),
    R(None, "ql_fs.path_dirname('/usr/a/b.json')", "/usr/a", D + " path_dirname"),
    R("tree", "ql_fs.path_exists('/usr/a/b')", True, D + " mkdirs creates the folders recursively"),
    R("tree", "ql_fs.mkdirs('/usr/a/b')", None, S + " mkdirs of an existing tree is harmless"),
    R("tree", "(ql_fs.rmdirs('/usr/a'), ql_fs.path_exists('/usr/a'))", (None, False), D + " rmdirs"),
    R("config", "r", 0, D + " touch(file, data) -> 0; parents created"),
    R("config", "ql_fs.read_json('/usr/bin/config.json')", {"test": 1}, D + " read_json -> dict"),
    R("config", "ql_fs.path_getsize('/usr/bin/config.json') == len(open('/usr/bin/config.json').read())", True, D + " path_getsize: bytes"),
    R("config", "type(ql_fs.path_getsize('/usr/bin/config.json')).__name__", "int", D + " path_getsize -> int"),
    R(None, "ql_fs.path_getsize('/usr/nothing')", Raises("FileNotFoundError"), S + " path_getsize raises its FileNotFoundError"),
    R(None, "ql_fs.read_json('/usr/nothing.json')", None, D + " read_json -> None on failure"),
    R("config", "(ql_fs.file_copy('/usr/a.json', '/usr/bin/config.json'), ql_fs.read_json('/usr/a.json'))", (True, {"test": 1}),
      D + " file_copy(dst, src) -> True"),
    R(None, "ql_fs.file_copy('/usr/b.json', '/usr/none.json')", False, S + " file_copy of a missing source -> False"),
    R("config", "(ql_fs.touch('/usr/bin/config.json', {'test': 2}), ql_fs.read_json('/usr/bin/config.json'))", (0, {"test": 2}),
      D + " touch: an existing file is updated"),
    R(None, "(ql_fs.write_json('/usr/w.json', [1, 'a']), ql_fs.read_json('/usr/w.json'))", (0, [1, "a"]), S + " write_json"),
    R(None, "(open('/usr/bad.json', 'w').write('{nope'), ql_fs.read_json('/usr/bad.json'))[1]", Raises("ValueError"),
      S + " read_json: ujson.load of a damaged file raises"),
]
