"""misc: power control, the USB network card, ADC and PWM (misc.Power.powerRestart
in 10 of 31 sampled apps)."""
from conformance._kit import R

P = "DOC API_reference/en/peripherals/misc.Power.md"
U = "DOC API_reference/en/peripherals/misc.USBNET.md"
A = "DOC API_reference/en/peripherals/misc.ADC.md"
W = "DOC API_reference/en/peripherals/misc.PWM.md"
ST = "STUB misc/Power.pyi"

PRELUDE = r'''
import misc
from misc import Power, USBNET
'''

ROWS = [
    R(None, "Power.powerOnReason()", 1, P + " powerOnReason: 1 power key (first power-on); CHOICE #36"),
    R(None, "0 <= Power.powerOnReason() <= 9", True, ST + " powerOnReason -> 0-9"),
    R(None, "type(Power.powerDownReason()).__name__", "int", P + " powerDownReason -> int"),
    R(None, "0 <= Power.powerDownReason() <= 6", True, ST + " powerDownReason -> 0-6"),
    R(None, "Power.getVbatt()", 3800, P + " getVbatt -> mV"),
    R(None, "callable(Power.powerRestart) and callable(Power.powerDown)", True, P + " powerRestart, powerDown"),
    R(None, "USBNET.Type_ECM", 1, U + " Type_ECM"),
    R(None, "USBNET.Type_RNDIS", 3, U + " Type_RNDIS"),
    R(None, "USBNET.get_worktype()", 1, U + " get_worktype: ECM by default"),
    R(None, "(USBNET.set_worktype(USBNET.Type_RNDIS), USBNET.get_worktype(), USBNET.set_worktype(USBNET.Type_ECM))", (0, 3, 0),
      U + " set_worktype -> 0, read back by get_worktype"),
    R(None, "USBNET.get_status()", 0, U + " get_status: 0 not connected"),
    R(None, "(USBNET.open(), USBNET.get_status(), USBNET.close(), USBNET.get_status())", (0, 1, 0, 0), U + " open/close -> 0"),
    R(None, "misc.antennaSecRXOffCtrl() is not None", True, "STUB misc/__init__.py antennaSecRXOffCtrl"),
    R(None, "misc.ADC.ADC0", 0, A + " constant ADC0"),
    R(None, "misc.ADC().open()", 0, A + " ADC.open -> 0"),
    R(None, "(lambda a: (a.open(), type(a.read(misc.ADC.ADC0)).__name__))(misc.ADC())", (0, "int"), A + " ADC.read(ADCn) -> mV"),
    R(None, "(lambda a: (a.open(), a.close()))(misc.ADC())", (0, 0), A + " ADC.close -> 0"),
    R(None, "misc.PWM.PWM0", 0, W + " constant PWM0"),
    R(None, "misc.PWM(misc.PWM.PWM0, misc.PWM.ABOVE_10US, 100, 200).open()", 0, W + " PWM(PWMn, ABOVE_10US, highTime, cycleTime).open -> 0"),
    R(None, "(lambda p: (p.open(), p.close()))(misc.PWM(misc.PWM.PWM0, misc.PWM.ABOVE_10US, 100, 200))", (0, 0), W + " PWM.close -> 0"),
]
