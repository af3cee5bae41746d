# misc.ADC on the desktop board: a channel reads the millivolts the board
# config's "adc" section gives it ({"0": 613, ...}; 0 when not given), and a
# test sets new ones through the control channel while the app runs.
# Channels 0-3 and what read() answers are those of QuecPython/micropython
# v1.0.0 ports/quectel/misc_adc.c: -1 for any other channel number.
from shim._lib import board as _board



def _mv(b):
    # Each channel's millivolts: the config's at power-on, then the control
    # channel's. Fixed length: a store never resizes it.
    c = b.section("adc")
    return [int(c.get(str(n), 0)) for n in range(4)]


def mv():
    return _board.get().kept("adc", _mv)


def set_mv(channel, value):
    if not isinstance(channel, int) or not 0 <= channel <= 3:
        raise ValueError("channel must be 0-3")
    if not isinstance(value, int):
        raise ValueError("mv must be a whole number of millivolts")
    mv()[channel] = value


class ADC:
    ADC0 = 0
    ADC1 = 1
    ADC2 = 2
    ADC3 = 3

    def __init__(self, *args, **kw):
        pass  # the module's constructor takes and ignores any arguments

    def open(self):
        return 0

    def read(self, ADCn):
        if not isinstance(ADCn, int):
            raise TypeError("can't convert %s to int" % type(ADCn).__name__)
        return mv()[ADCn] if 0 <= ADCn <= 3 else -1

    def close(self):
        return 0
