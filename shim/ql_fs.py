# QuecPython ql_fs: path and JSON-file helpers over uos. Failures are reported
# as the module does: bool or 0/-1 results, its own FileNotFoundError from
# path_getsize, ValueError from read_json on a damaged file.
import uos
import ujson


class FileNotFoundError(Exception):
    pass


def _path(p):
    # Every helper takes a str path: an int would be a file descriptor to
    # the host's open(), and a NUL would cut the name short in C.
    if not isinstance(p, str):
        raise TypeError("path must be a str, not %s" % type(p).__name__)
    if "\x00" in p:
        raise ValueError("embedded null byte")
    return p


def path_exists(file_path):
    if not file_path:
        return False
    if not isinstance(file_path, str):
        raise TypeError("path must be a str, not %s" % type(file_path).__name__)
    if "\x00" in file_path:
        return False  # no name holds one
    try:
        uos.stat(file_path)
    except OSError:
        return False
    return True


def path_dirname(file_path):
    if file_path:
        _path(file_path)
    if not file_path or "/" not in file_path:
        return ""
    i = file_path.rfind("/")
    return "/" if i == 0 else file_path[:i]


def path_getsize(file_path):
    _path(file_path)
    try:
        return uos.stat(file_path)[6]
    except OSError:
        raise FileNotFoundError("can not find: '%s'" % file_path)


def mkdirs(dir_path):
    _path(dir_path)
    path = ""
    for part in dir_path.split("/"):
        if not part:
            if not path:
                path = "/" if dir_path.startswith("/") else ""
            continue
        path = path + part if path.endswith("/") or not path else path + "/" + part
        if not path_exists(path):
            uos.mkdir(path)


def rmdirs(dir_path):
    _path(dir_path)
    for name in uos.listdir(dir_path):
        p = dir_path.rstrip("/") + "/" + name
        if uos.stat(p)[0] & 0x4000:
            rmdirs(p)
        else:
            uos.remove(p)
    uos.rmdir(dir_path)


def touch(file, data, file_type="json"):
    d = path_dirname(_path(file))
    if d and d != "/" and not path_exists(d):
        mkdirs(d)
    try:
        text = ujson.dumps(data) if file_type == "json" else data
        with open(file, "w") as f:
            f.write(text)
    except Exception:  # noqa: BLE001  the module reports any failure as -1
        return -1
    return 0


def write_json(file, data):
    return touch(file, data)


def read_json(file):
    if not path_exists(file):
        return None
    with open(file) as f:
        return ujson.load(f)


def file_copy(dst, src):
    _path(dst)
    if not path_exists(src):
        return False
    with open(src, "rb") as fi, open(dst, "wb+") as fo:
        while True:
            chunk = fi.read(4096)
            if not chunk:
                break
            fo.write(chunk)
    return True
