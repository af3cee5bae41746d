"""A board's REPL over its serial port with a bound on every wait: mpremote's
transport does the file transfers, with its serial reads and writes given
timeouts (left to itself it blocks for ever on a pty when the board is
silent); taking the REPL from a running app, the hard reset and what the
board says it is are done here, each against a deadline."""

import ast
import struct
import time

import serial
from mpremote.transport import TransportError
from mpremote.transport_serial import SerialTransport

from . import boardctl

RAW = b"raw REPL; CTRL-B to exit\r\n"
FRIENDLY = b">>> "
IO_TIMEOUT = 5.0  # one serial read or write; mpremote's own waits sit on top
# Errors of a link that broke or timed out mid-exchange: mpremote raises
# TransportError itself, struct.error when a read came back short, and
# pyserial SerialException (SerialTimeoutException on a write).
LINK_ERRORS = (TransportError, serial.SerialException, struct.error, OSError)


class NoRepl(Exception):
    """The board did not give up its REPL within the wait."""


class ResetError(Exception):
    pass


# Runs on the board; it keeps to what QuecPython (MicroPython 1.13) has too.
# sys.platform and sys.implementation are the interpreter's own, read-only
# attributes of a built-in module: no Python code on the board (the shim
# included) can change them. uos.uname() is only asked where they say
# nothing, and then only counts when uos is the firmware's built-in module:
# the shim's uos imitates QuecPython's uname() exactly, but it is a module
# loaded from a file (it has a __file__), which a built-in one never has.
_PROBE = """
import sys
try:
 import uos as _o
except ImportError:
 import os as _o
_u = getattr(_o, 'uname', None)
print(repr((sys.platform, getattr(sys.implementation, '_machine', ''), str(_u()[0]) if _u else '',
 hasattr(_o, '__file__'), 'shim' in sys.modules, getattr(sys.implementation, '_mpy', 0))))
del _o, _u
"""


def classify(platform, machine, sysname, uos_from_file, shim_loaded):
    """What board the probe's answers describe: "esp32", "unix" (the unix
    port: `qpyshim board`), "quectel" or None."""
    if platform == "esp32":
        return "esp32"
    if platform == "linux":
        return "unix"
    # QuecPython's build names its MCU "QUECTEL" (ports/quectel/mpconfigport.h:
    # MICROPY_HW_MCU_NAME), so 1.2x firmware says "<model> with QUECTEL" here.
    if machine.endswith(" with QUECTEL"):
        return "quectel"
    # Older QuecPython (1.13) has no _machine: its built-in uos's uname().
    if sysname.startswith("sysname=") and not uos_from_file and not shim_loaded:
        return "quectel"
    return None


class Link:
    def __init__(self, port):
        self.port = port
        self.t = SerialTransport(port, baudrate=115200, timeout=IO_TIMEOUT)
        self.t.serial.write_timeout = IO_TIMEOUT
        self.serial = self.t.serial

    def close(self):
        try:
            self.t.close()
        except LINK_ERRORS:
            pass

    # -- bytes with deadlines ---------------------------------------------------
    def _read_some(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            return b""
        self.serial.timeout = min(left, 0.2)
        try:
            # One byte at a time, as mpremote reads: what follows an ending
            # (the raw REPL's ">") stays for mpremote to read.
            return self.serial.read(1)
        finally:
            self.serial.timeout = IO_TIMEOUT

    def wait_for(self, endings, deadline, seen=b""):
        """Read until one of `endings` has come (returns it and what came), or
        the deadline (None and what came)."""
        data = seen
        while True:
            for e in endings:
                if data.endswith(e) or e in seen:
                    return e, data
            if time.monotonic() >= deadline:
                return None, data
            data = (data + self._read_some(deadline))[-4096:]

    # -- the REPL -----------------------------------------------------------------
    def take_repl(self, wait, step=1.0):
        """Interrupt whatever runs and enter the raw REPL, within `wait`
        seconds: Ctrl-C every `step` (an app often catches one: the note's
        client loop does, its server thread then keeps main.py waiting), and
        Ctrl-A, which the board reads once its REPL runs. NoRepl otherwise."""
        deadline = time.monotonic() + wait
        send_a = True
        heard = b""  # what the board said meanwhile, for the message
        interrupts = 0
        while True:
            # One CR to end a half-typed line, then Ctrl-C alone: CRs queued
            # behind the Ctrl-A would land in the raw REPL's input.
            self.serial.write((b"\x03" if interrupts else b"\r\x03") + (b"\r\x01" if send_a else b""))
            interrupts += 1
            send_a = False
            got, tail = self.wait_for((RAW, FRIENDLY), min(deadline, time.monotonic() + step))
            if got == FRIENDLY:
                # The REPL runs; our Ctrl-A may be right behind the prompt.
                got, tail = self.wait_for((RAW,), min(deadline, time.monotonic() + step),
                                          tail[tail.index(FRIENDLY) + len(FRIENDLY):])
                send_a = got is None
            heard = (heard + tail)[-1024:]
            if got == RAW:
                # mpremote reads the ">" after the banner itself.
                self.t.in_raw_repl = True
                return interrupts
            if time.monotonic() >= deadline:
                raise NoRepl(interrupts, heard)

    def probe(self):
        out = self.t.exec(_PROBE).decode().strip()
        platform, machine, sysname, uos_file, shim, mpy = ast.literal_eval(out)
        kind = classify(platform, machine, sysname, uos_file, shim)
        return kind, ((mpy & 0xFF, (mpy >> 8) & 3) if mpy else None), shim

    def hard_reset(self):
        """Restart the board as its reset button does. A `qpyshim board` takes
        it on its reset socket; a board on a USB-serial adapter with the
        usual ESP32 auto-reset circuit through DTR and RTS."""
        try:
            answer = boardctl.request(self.port)
        except OSError as e:
            raise ResetError(f"the virtual board's reset socket did not answer: {e}") from None
        if answer is not None:
            if answer != "ok":
                raise ResetError(f"the virtual board refused the reset: {answer!r}")
            return "virtual board restarted"
        # esptool's sequence (esptool 5.6 reset.py -> esp_pylib.serial_reset:
        # classic_bootloader_reset's first half, as hard_reset does): DTR
        # released keeps IO0 high so the chip boots the firmware, not the ROM
        # loader; RTS asserted pulls EN low for 100 ms, then lets it go. DTR
        # is written again after each RTS change: Windows' usbser.sys only
        # sends the line state when both are written (esp_pylib set_rts).
        s = self.serial
        try:
            s.dtr = False  # IO0 high
            s.rts = True  # EN low: the chip is held in reset
            s.dtr = s.dtr
            time.sleep(0.1)
            s.rts = False  # EN high: it runs
            s.dtr = s.dtr
        except OSError as e:
            raise ResetError(f"{self.port} has no DTR/RTS lines to reset the board with ({e.strerror}); "
                             "press its reset button instead") from None
        return "EN pulsed through RTS"
