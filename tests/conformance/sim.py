"""sim: the simulated SIM card of the desktop board."""
from conformance._kit import R, Raises

D = "DOC API_reference/en/iotlib/sim.md"
ST = "STUB sim.pyi"

PRELUDE = r'''
import sim


def pin_on():
    return {'en': sim.enablePin('1234')}


def pin_changed():
    d = {'en': sim.enablePin('1234'), 'ch': sim.changePin('1234', '4321')}
    d['dis'] = sim.disablePin('4321')
    d['restore'] = (sim.enablePin('4321'), sim.changePin('4321', '1234'), sim.disablePin('1234'))
    return d


def phonebook():
    return {'w': sim.writePhonebook(9, 1, 'Tom', '15544272539')}
'''

ROWS = [
    R(None, "sim.getStatus()", 1, D + " getStatus: 1 ready"),
    R(None, "type(sim.getStatus()).__name__", "int", "SRC25 ports/quectel/py/checkNet.py compares sim.getStatus() with 1 (an int)"),
    R(None, "sim.getImsi()", "460105466870381", D + " getImsi -> str"),
    R(None, "sim.getIccid()", "89860390845513443049", D + " getIccid -> str"),
    R(None, "type(sim.getPhoneNumber()).__name__", "str", D + " getPhoneNumber -> str"),
    R(None, "sim.verifyPin('1234')", -1, D + " verifyPin -> -1 when no PIN is asked for; CHOICE #35"),
    R("pin_on", "en", 0, D + " enablePin(pin) -> 0"),
    R("pin_on", "sim.getStatus()", 1, D + " enablePin does not lock the card until the next power-on"),
    R("pin_on", "sim.disablePin('1234')", 0, D + " disablePin(pin) -> 0"),
    R(None, "sim.disablePin('0000')", -1, D + " disablePin with a wrong PIN -> -1"),
    R("pin_changed", "(en, ch, dis)", (0, 0, 0), D + " changePin(oldPin, newPin) -> 0"),
    R("pin_changed", "restore", (0, 0, 0), D + " changePin back"),
    R(None, "sim.getPinRemAttempts()", (3, 10), ST + " getPinRemAttempts -> (PIN attempts, PUK attempts)"),
    R(None, "sim.getSimDet()", (0, 0), D + " getSimDet -> (detenable, insertlevel)"),
    R(None, "(sim.setSimDet(1, 0), sim.getSimDet(), sim.setSimDet(0, 0))", (0, (1, 0), 0), D + " setSimDet(switch, triggerLevel) -> 0"),
    R(None, "sim.setSimDet(2, 0)", Raises("ValueError"), D + " setSimDet: switch 0 or 1"),
    R(None, "sim.getCurSimid()", 0, D + " getCurSimid -> 0"),
    R(None, "sim.switchCard(0)", 0, D + " switchCard(simId)"),
    R(None, "sim.setCallback(lambda s: None)", 0, D + " setCallback(fun) -> 0"),
    R(None, "sim.setSwitchcardCallback(lambda s: None)", 0, D + " setSwitchcardCallback(fun) -> 0"),
    R("phonebook", "w", 0, D + " writePhonebook(storage, index, username, number) -> 0"),
    R("phonebook", "sim.readPhonebook(9, 1, 2, '')", (1, [(1, "Tom", "15544272539")]),
      D + " readPhonebook -> (count, [(index, username, number), ...])"),
]
