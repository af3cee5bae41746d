# The desktop board's control channel: a test (or a user's harness) drives the
# simulated modem and network while the app runs, the way the module's radio
# side changes under an app: data calls drop and return, the SIM goes, the
# registration is denied, DNS stops answering. One JSON datagram per request
# from the host's address in the config, one JSON reply; nothing else listens.
import json
from .._ports import port as _p
from .._lib import config as _config
from .. import _thread


def _state():
    from .._lib import limits as _limits, modem as _modem

    with _modem.lock:
        active = [n for n in _modem.PROFILES if _modem.profiles[n]["active"]]
    return {
        "sockets": _limits.open_sockets(),
        "threads": _thread.live_count(),
        "fds": _p.fd_count(),
        "active": active,
        "sim": _modem.sim(),
        "reg": _modem.reg(),
        "fun": _modem.fun,
        "pins": _pins(),
        "pwm": _pwm(),
    }


def _pins():
    import sys

    g = sys.modules.get("shim._lib.gpio")
    return g.levels() if g else {}


def _pwm():
    import sys

    m = sys.modules.get("shim._lib.pwm")  # loaded only once the app touched misc.PWM
    return m.state() if m else {}


def _do(req):
    from .._lib import modem as _modem
    from . import vnet as _vnet

    op = req.get("op")
    if op == "datacall":
        n = req.get("profile", 1)
        lo, hi = _modem.PDP_RANGE
        if not (isinstance(n, int) and lo <= n <= hi):
            raise ValueError("profile must be in %d-%d" % (lo, hi))
        _modem.prof(n)
        if req.get("up") and not _modem.registered():
            raise ValueError("no SIM or no registration: the data call can't come back")
        _modem.update(n, bool(req.get("up")))
    elif op == "network":
        fun = req.get("fun")
        if fun is not None and fun not in (0, 1, 4):
            raise ValueError("fun must be 0, 1 or 4")
        _modem.set_network(req.get("sim"), req.get("reg"), fun)
    elif op == "pin":
        from .._lib import gpio as _gpio

        n, level = req.get("gpio"), req.get("level")
        if not isinstance(n, int) or level not in (0, 1):
            raise ValueError("pin needs gpio (a number) and level (0 or 1)")
        _gpio.drive(n, level)
    elif op == "adc":
        from .._lib import adc as _adc

        _adc.set_mv(req.get("channel"), req.get("mv"))
    elif op == "dns":
        _vnet.dns_down = bool(req.get("down"))
    elif op != "state":
        raise ValueError("unknown op %r" % (op,))
    return _state()


def _serve(sock, host):
    while True:
        try:
            data, src = sock.recvfrom(2048)
        except OSError as e:
            _config.log("control: channel closed: %s" % (e,))
            return
        if src != host:
            continue  # only the host in the config drives the board
        _thread.hold(1)  # an app that ends on the change must not take the answer with it
        try:
            req = json.loads(data)
            if not isinstance(req, dict):
                req = {"op": None, "bad": req}
            try:
                rep = {"id": req.get("id"), "ok": _do(req)}
            except Exception as e:  # noqa: BLE001  a bad request gets an answer, not a dead channel
                rep = {"id": req.get("id"), "error": "%s: %s" % (type(e).__name__, e)}
            sock.sendto(json.dumps(rep).encode(), host)
        except Exception as e:  # noqa: BLE001
            _config.log("control: %s" % (e,))
        finally:
            _thread.hold(-1)


def start():
    ip, port = _config.section("control")["host"].split(":")
    host = _p.pack(ip, int(port))
    sock = _p.socket(2, 2)  # not usocket's: it is not the app's, and no limit counts it
    sock.bind(_p.pack("127.0.0.1", 0))
    sock.sendto(b'{"hello": 1}', host)  # tells the host where we are
    _p.thread.start_new_thread(_serve, (sock, host))
