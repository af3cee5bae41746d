"""Across restarts (misc.Power.powerRestart in 10 of 31 sampled apps): the
app restarts the board once with powerRestart and once by starving the
watchdog, and the rows run on the third power-on, on the same flash."""
from conformance._kit import R

P = "DOC API_reference/en/peripherals/misc.Power.md"
DC = "DOC API_reference/en/iotlib/dataCall.md"
BOOT = "SRC25 ports/quectel/py/_boot.py"

TIMEOUT = 50

# Run as an app of its own, not in-process (tests/test_conformance.py):
OWN_PROCESS = 'it restarts the board twice (powerRestart, the watchdog): three power-ons of one process'

PRELUDE = r'''
import uos, misc, dataCall, ql_fs, utime, checkNet
from misc import Power

_done = uos.listdir('/usr')
if 'boot1.json' not in _done:
    ql_fs.touch('/usr/boot1.json', {'reason': Power.powerOnReason()})
    dataCall.setPDPContext(2, 0, 'persist.apn', '', '', 0)
    dataCall.setAutoActivate(2, 1)
    dataCall.setAutoConnect(2, 1)
    print('restart 1')
    Power.powerRestart()
    utime.sleep(10)  # never reached: the board restarts
elif 'boot2.json' not in _done:
    ql_fs.touch('/usr/boot2.json', {'reason': Power.powerOnReason(), 'pdp': dataCall.getInfo(2, 0)[2][0]})
    print('restart 2')
    import machine
    w = machine.WDT(1)  # never fed: the watchdog restarts the board
    utime.sleep(10)
B1 = ql_fs.read_json('/usr/boot1.json')
B2 = ql_fs.read_json('/usr/boot2.json')
'''

ROWS = [
    R(None, "B1['reason']", 1, P + " powerOnReason 1: power key (the first power-on); CHOICE #36"),
    R(None, "B2['reason']", 2, P + " powerOnReason 2: reset (after powerRestart); CHOICE #36"),
    R(None, "Power.powerOnReason()", 5, P + " powerOnReason 5: watchdog; CHOICE #36"),
    R(None, "sorted(k for k in uos.listdir('/usr') if k.startswith('boot'))", ["boot1.json", "boot2.json"],
      "DOC FAQ/en/software/os.md: files in /usr are kept across power cycles"),
    R(None, "dataCall.getPDPContext(2)[1]", "persist.apn", DC + " setPDPContext: saved when power is off"),
    R(None, "B2['pdp']", 1, BOOT + " activates the profiles /usr/datacall_config.json names at power-on; CHOICE #9"),
    R(None, "dataCall.getInfo(2, 0)[2][0]", 1, BOOT + " autoActivate survives every restart; CHOICE #9"),
    R(None, "dataCall.getInfo(1, 0)[2][0]", 1, BOOT + " profile 1 stays auto-activated"),
    R(None, "checkNet.waitNetworkReady(10)", (3, 1), "DOC API_reference/en/iotlib/checkNet.md ready after a restart"),
    R(None, "__import__('ujson').load(open('/usr/datacall_config.json'))['2']['autoActivate']", 1,
      BOOT + " /usr/datacall_config.json {'2': {'autoActivate': 1, ...}}"),
]


def check_transcript(r, rt):
    # each restart happens once, and the app starts over from main.py
    assert r.out.count("restart 1") == 1 and r.out.count("restart 2") == 1, r
