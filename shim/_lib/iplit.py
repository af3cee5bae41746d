# Whether a string is an IP address literal, in pure Python: the stacks that
# have no inet_pton of their own (a board's lwIP, a modem's stack) share it.


def is_literal(s):
    if not isinstance(s, str):
        return False
    if ":" in s:
        if s.count("::") > 1:
            return False
        groups = s.split(":")
        if len(groups) > 8:
            return False
        for g in groups:
            if len(g) > 4:
                return False
            for c in g:
                if c not in "0123456789abcdefABCDEF":
                    return False
        return True
    parts = s.split(".")
    if len(parts) != 4:
        return False
    for p in parts:
        if not p or len(p) > 3 or not p.isdigit() or int(p) > 255:
            return False
    return True


def settled(host):
    """What resolve() answers without asking a name server, on the stacks
    that share this module: the address of a literal, 0.0.0.0 for ''
    (QuecPython's wildcard), None for a name; a host that is no str is
    the TypeError the module raises."""
    if not isinstance(host, str):
        raise TypeError("host must be a str")
    if host == "":
        return "0.0.0.0"
    return host if is_literal(host) else None
