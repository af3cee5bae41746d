"""modem: the device's identity (6 of 31 sampled apps)."""
from conformance._kit import R

D = "DOC API_reference/en/syslib/modem.md"
ST = "STUB modem.pyi"

PRELUDE = r'''
import modem, uos
'''

ROWS = [
    R(None, "modem.getDevImei()", "866327040830317", D + " getDevImei -> str"),
    R(None, "len(modem.getDevImei())", 15, D + " getDevImei: 15 digits"),
    R(None, "modem.getDevModel()", "EC600U", D + " getDevModel -> str"),
    R(None, "type(modem.getDevSN()).__name__", "str", D + " getDevSN -> str"),
    R(None, "type(modem.getDevFwVersion()).__name__", "str", D + " getDevFwVersion -> str"),
    R(None, "modem.getDevFwVersion().endswith('_PY')", True,
      "EX firmware names: <model>R..M.._..._PY, e.g. EC600UCNLBR01A01M08_OCPU_PY"),
    R(None, "modem.getDevFwVersion().startswith(modem.getDevModel())", True, D + " getDevFwVersion names the model"),
    R(None, "modem.getDevProductId()", "Quectel", D + " getDevProductId -> str"),
    R(None, "modem.getDevMAC()", -1, ST + " getDevMAC -> -1 on a module without Wi-Fi"),
    R(None, "uos.uname()[0].split('=')[1].startswith(modem.getDevModel())", True, "DOC API_reference/en/stdlib/uos.md uname sysname"),
]
