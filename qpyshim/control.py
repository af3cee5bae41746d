"""Drive a running desktop board's simulated modem and network from a test:
drop and restore a data call, take the SIM out, deny the registration, stop
DNS, and read what the app holds (sockets, threads, file descriptors).

    ctl = BoardControl()
    run the app with ctl.config() merged into its --net file
    ctl.wait_ready()
    ctl.drop_data_call(1)     # the app's dataCall callback gets (1, 0, 0)
    ctl.restore_data_call(1)  # ... and (1, 1, 0)

Requests are JSON datagrams on loopback; each waits for the board's answer
with a timeout, so a test never sleeps to let a change land."""

import itertools
import json
import socket
import time


class ControlError(Exception):
    pass


class BoardControl:
    def __init__(self, timeout=10.0):
        self.timeout = timeout
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._sock.bind(("127.0.0.1", 0))
        self._board = None
        self._ids = itertools.count(1)

    def config(self):
        """The config section that tells the board where to find us."""
        return {"control": {"host": "127.0.0.1:%d" % self._sock.getsockname()[1]}}

    def _recv(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise ControlError("the board did not answer within %.0f s" % self.timeout)
        self._sock.settimeout(left)
        try:
            data, addr = self._sock.recvfrom(4096)
        except socket.timeout:
            raise ControlError("the board did not answer within %.0f s" % self.timeout) from None
        return json.loads(data), addr

    def wait_ready(self):
        """Wait for the board's hello: the shim is installed and listening."""
        deadline = time.monotonic() + self.timeout
        while self._board is None:
            msg, addr = self._recv(deadline)
            if msg.get("hello"):
                self._board = addr

    def request(self, op, **args):
        if self._board is None:
            self.wait_ready()
        n = next(self._ids)
        packet = json.dumps(dict(args, op=op, id=n)).encode()
        self._sock.sendto(packet, self._board)
        deadline = time.monotonic() + self.timeout
        while True:
            msg, addr = self._recv(deadline)
            if msg.get("hello"):
                # The board rebooted (misc.Power.powerRestart, the watchdog)
                # and talks from a new port: ask it there.
                self._board = addr
                self._sock.sendto(packet, addr)
                continue
            if msg.get("id") != n:
                continue  # a late answer to an earlier request
            if "error" in msg:
                raise ControlError(msg["error"])
            return msg["ok"]

    def state(self):
        """{"sockets", "threads", "fds", "active", "sim", "reg", "fun", "pins",
        "pwm"} of the app now."""
        return self.request("state")

    def drop_data_call(self, profile=1):
        return self.request("datacall", profile=profile, up=False)

    def restore_data_call(self, profile=1):
        return self.request("datacall", profile=profile, up=True)

    def set_sim(self, status):
        """sim.getStatus() from now on: 0 no card, 1 ready, ..."""
        return self.request("network", sim=status)

    def set_registration(self, state):
        """net.getState()[1][0] from now on: 1 home, 3 denied, 5 roaming, ..."""
        return self.request("network", reg=state)

    def set_modem_fun(self, fun):
        """What net.setModemFun(fun) does, from outside: 0 or 4 take the
        registration and the data calls down, 1 brings them back."""
        return self.request("network", fun=fun)

    def remove_sim(self):
        """The card is pulled: sim.getStatus() reads 0, the data calls drop,
        and an app with detection on (sim.setSimDet(1, ...)) hears 2."""
        return self.set_sim(0)

    def insert_sim(self):
        """The card is back: status 1, the app hears 1, the data calls return."""
        return self.set_sim(1)

    def set_pin(self, gpio, level):
        """Drive input GPIO `gpio` to `level`; ExtInt callbacks on it fire."""
        return self.request("pin", gpio=gpio, level=level)

    def set_adc(self, channel, mv):
        """misc.ADC().read(channel) answers mv (millivolts) from now on."""
        return self.request("adc", channel=channel, mv=mv)

    def pwm_state(self):
        """What the app set on each misc.PWM channel it used: {"0": {"open",
        "range", "high", "cycle", "freq" (Hz), "duty" (0-1)}, ...}."""
        return self.request("state")["pwm"]

    def set_dns(self, up):
        return self.request("dns", down=not up)

    def close(self):
        self._sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
