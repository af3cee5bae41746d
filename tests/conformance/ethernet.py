"""ethernet: SPI/RMII Ethernet NICs; on the desktop each is a loopback
address of its own (board config `nics`)."""
from conformance._kit import R

D = "DOC API_reference/en/peripherals/ethernet.md"
W = "DOC API_reference/en/peripherals/ethernet.W5500.md"
EX = "EX network-comm/net-protocols/tcp-udp/example_set_default_nic_of_ethernet.py"

PRELUDE = r'''
import ethernet

MAC = b'\x12\x34\x56\x78\x9a\xbc'


def w5500():
    nic = ethernet.W5500(MAC, '', '', '', -1, 38, 36, 37, 0)
    return {'nic': nic}
'''

ROWS = [
    R("w5500", "type(nic).__name__", "W5500", EX + " W5500(mac, ip, subnet, gateway, spi_port, spi_cs_pin, extint_pin, reset_pin, work_mode)"),
    R("w5500", "nic.ipconfig()[0][0]", "12-34-56-78-9A-BC", W + " ipconfig: [(mac 'XX-XX-XX-XX-XX-XX', hostname), ...]"),
    R("w5500", "type(nic.ipconfig()).__name__", "list", W + " ipconfig returns a list"),
    R("w5500", "len(nic.ipconfig()[1])", 6, W + " ipconfig: (iptype, ip, subnet, gateway, pri_dns, sec_dns)"),
    R("w5500", "nic.ipconfig()[1][0]", 4, W + " ipconfig: iptype 4"),
    R("w5500", "nic.dhcp()", 0, W + " dhcp -> 0"),
    R("w5500", "nic.set_up()", 0, W + " set_up -> 0"),
    R("w5500", "nic.set_down()", 0, W + " set_down -> 0"),
    R("w5500", "(nic.set_dns('8.8.8.8', '114.114.114.114'), nic.ipconfig()[1][4:])", (0, ("8.8.8.8", "114.114.114.114")),
      W + " set_dns(pri, sec) then ipconfig"),
    R("w5500", "(nic.set_addr('192.168.1.100', '255.255.255.0', '192.168.1.1'), nic.ipconfig()[1][2:4])",
      (0, ("255.255.255.0", "192.168.1.1")), W + " set_addr(ip, subnet, gateway) -> 0"),
    R("w5500", "(nic.set_addr('192.168.1.100', '255.255.255.0', '192.168.1.1'), nic.ipconfig()[1][1])", (0, "192.168.1.100"),
      W + " set_addr: ipconfig()[1][1] is the NIC's address",
      missing="the desktop NIC reports its loopback stand-in (127.0.0.4), not the address set"),
    R("w5500", "nic.set_default_NIC(nic.ipconfig()[1][1])", 0, EX + " set_default_NIC(ipconfig()[1][1]) -> 0"),
    R(None, "len(ethernet.CH395(MAC).status())", 3, "DOC API_reference/en/peripherals/ethernet.CH395.md status -> (dev, active, link)"),
]
