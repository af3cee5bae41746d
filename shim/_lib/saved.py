# /usr/datacall_config.json, where QuecPython keeps the profiles to bring up
# at power-on (setAutoActivate): read at every power-on, so apart from the
# radio's module (shim/_lib/radio.py), which a plain boot does not load.
PATH = "/usr/datacall_config.json"


def read():
    """The file's profiles ({"1": {...}, ...}); None if absent or damaged."""
    import json

    try:
        with open(PATH) as f:
            saved = json.load(f)
    except (OSError, ValueError):
        return None
    if not isinstance(saved, dict):
        return None  # a damaged file: boot as if there were none
    for k in list(saved):
        if not isinstance(saved[k], dict):
            del saved[k]
    return saved
