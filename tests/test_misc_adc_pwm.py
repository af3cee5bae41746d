"""misc.ADC and misc.PWM: constants, ranges and errors as QuecPython/micropython
v1.0.0 ports/quectel/misc_adc.c and misc_pwm.c have them (the Unisoc range
table, the one QuecPython docs API_reference/en/peripherals/misc.PWM.md give),
the documented calls (misc.ADC.md, misc.PWM.md; QuecPython/quecpython_api_stubs
misc/__init__.py), the older PWM(PWMn, highTime, cycleTime) form of
QuecPython's wiki (docs/study/zh-cn/study/QuecPythonSub/PWM.md), and the
control channel: a test sets what an ADC channel reads and reads what the app
set on a PWM channel."""

import pytest

from inproc.fixtures import inboard  # noqa: F401  (a fixture: its runs are in-process)

RUNTIMES = ["micropython", "cpython"]


def test_constants_ranges_and_errors(inboard):
    r = inboard.run("""
import misc
from misc import ADC, PWM
print('adc_consts', ADC.ADC0, ADC.ADC1, ADC.ADC2, ADC.ADC3)
print('pwm_consts', PWM.PWM0, PWM.PWM1, PWM.PWM2, PWM.PWM3)
print('ranges', PWM.ABOVE_1US, PWM.ABOVE_MS, PWM.ABOVE_10US, PWM.ABOVE_BELOW_US)
adc = ADC()
print('adc', adc.open(), adc.read(ADC.ADC0), adc.read(ADC.ADC1), adc.read(7), adc.read(-1), adc.close())
print('adc_type', err(adc.read, 'a')[0])
p = PWM(PWM.PWM0, PWM.ABOVE_MS, 1, 2)
print('pwm', p.open(), p.close())
print('ok_edges', [type(PWM(0, *a)).__name__ for a in
      [(PWM.ABOVE_MS, 10, 10), (PWM.ABOVE_1US, 1, 10000), (PWM.ABOVE_10US, 2, 10000),
       (PWM.ABOVE_BELOW_US, 100, 65535)]])
bad = [(PWM.ABOVE_MS, 11, 11), (PWM.ABOVE_MS, 0, 2), (PWM.ABOVE_MS, 3, 2), (PWM.ABOVE_1US, 1, 10001),
       (PWM.ABOVE_10US, 1, 100), (PWM.ABOVE_BELOW_US, 99, 200), (4, 1, 2)]
print('bad', [err(PWM, 0, *a)[:1] for a in bad])
print('bad_msg', err(PWM, 0, PWM.ABOVE_MS, 11, 11)[2])
print('bad_ch', err(PWM, 4, PWM.ABOVE_MS, 1, 2)[0], err(PWM, 4, PWM.ABOVE_MS, 1, 2)[2])
print('bad_args', err(PWM, 0)[0], err(PWM, 0, 1, 1, 2, 5, 6)[0])
print('open_args', err(p.open, PWM.ABOVE_MS, 20, 40)[0], p.open(PWM.ABOVE_1US, 20, 40))
print('same', misc.PWM is PWM, misc.ADC is ADC)
print('nope', err(getattr, misc, 'Nope')[0])
""", net={"adc": {"0": 613, "1": 605}})
    assert r.code == 0, r
    assert r.value("adc_consts") == "0 1 2 3"
    assert r.value("pwm_consts") == "0 1 2 3"
    assert r.value("ranges") == "0 1 2 3"  # HELIOS_PWM_CYCLE_ABOVE_1US is the enum's first
    assert r.value("adc") == "0 613 605 -1 -1 0"  # the docs' example readings, from the config
    assert r.value("adc_type") == "TypeError"
    assert r.value("pwm") == "0 0"
    assert r.value("ok_edges") == ["PWM"] * 4
    assert r.value("bad") == [("ValueError",)] * 7
    assert r.value("bad_msg") == ("PWM parameter error, please refer to wiki instructions to correct"
                                  " the parameters")
    assert r.value("bad_ch") == "ValueError invalid PWMn value, must be in {0~3}."
    assert r.value("bad_args") == "TypeError TypeError"
    assert r.value("open_args") == "ValueError 0"  # open(range, high, cycle) is checked as the constructor
    assert r.value("same") == "True True"
    assert r.value("nope") == "AttributeError"


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_adc_reads_what_the_test_sets(quecpython, runtime):
    app = quecpython(None, runtime=runtime, files={"main.py": """
import utime
from misc import ADC
adc = ADC()
adc.open()
print('first', adc.read(ADC.ADC0), adc.read(ADC.ADC2))
print('ready')
while adc.read(ADC.ADC2) != 1800:
    utime.sleep_ms(10)
print('now', adc.read(ADC.ADC0), adc.read(ADC.ADC2))
"""}, net={"adc": {"0": 613}})
    app.expect(r"^first 613 0$")
    app.expect(r"^ready$")
    app.set_adc(0, 1234)
    app.set_adc(2, 1800)
    app.expect(r"^now 1234 1800$")
    assert app.wait(20) == 0


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_pwm_state_reads_back(quecpython, runtime):
    """The docs' example PWM(PWM0, ABOVE_MS, 1, 2), opened; the wiki's older
    three-argument form, whose times are in ms; close() stops the output."""
    app = quecpython(None, runtime=runtime, files={"main.py": """
import utime
from misc import PWM
a = PWM(PWM.PWM0, PWM.ABOVE_MS, 1, 2)
a.open()
b = PWM(PWM.PWM1, 10, 20)
b.open()
PWM(PWM.PWM1, 12, 20)  # the wiki's loop: a new object on a running channel changes the duty
c = PWM(PWM.PWM2, PWM.ABOVE_BELOW_US, 500, 1000)  # made, never opened
d = PWM(PWM.PWM3, PWM.ABOVE_1US, 10, 100)
print('open_close', d.open(), d.close())
print('ready')
while True:
    utime.sleep_ms(50)
"""})
    app.expect(r"^open_close 0 0$")
    app.expect(r"^ready$")
    st = app.pwm_state()
    assert st["0"] == {"open": True, "range": 1, "high": 1, "cycle": 2, "freq": 500.0, "duty": 0.5}
    assert st["1"] == {"open": True, "range": 1, "high": 12, "cycle": 20, "freq": 50.0, "duty": 0.6}
    assert st["2"]["open"] is False and st["2"]["freq"] == 1e6  # the firmware's 1e9 / cycleTime
    assert st["3"] == {"open": False, "range": 0, "high": 10, "cycle": 100, "freq": 10000.0, "duty": 0.1}


def test_a_bad_adc_section_is_a_config_error(board):
    """The board config's adc section is checked before the board starts:
    channels "0"-"3" (ADC0-ADC3), whole millivolts; anything else is a clear
    config error (exit 2), never a crash at the app's first misc.ADC."""
    for adc, words in (({"0": "x"}, "whole number of millivolts"), ([1], "adc must be an object"),
                       ({"7": 100}, "channels are")):
        r = board.run("import misc\nprint('read', misc.ADC().read(0))", net={"adc": adc})
        assert r.code == 2 and words in r.err, r
    r = board.run("import misc\nprint('read', misc.ADC().read(0))", net={"adc": {"0": 700}})
    assert r.code == 0 and r.value("read") == 700, r
