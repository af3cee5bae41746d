# Wi-Fi NIC (ESP8266 over UART): bind a client socket to the NIC's IP.
# From Quectel's application note "UDP/TCP Network Communication"; the note
# elides the end of tcp_client ("More code in TCP client samples above"),
# completed from the TCP client sample.
# WLAN.py beside it is the desktop board's stand-in for QuecPython's WLAN.py.

from usr.WLAN import ESP8266
from machine import UART
import usocket

# Create a Wi-Fi NIC
wifi = ESP8266(UART.UART2, ESP8266.STA)
print('Wi-Fi nic created.')

# Configure the SSID and password, and connect to the router
ssid = 'ssid'
password = 'password'
wifi.station(ssid,password)
print('Wi-Fi connected: %s, %s.' % (ssid, password))

# Configure the DNS server address for the Wi-Fi NIC
wifi.set_dns('8.8.8.8', '114.114.114.114')
print('Wi-Fi DNS server configured.')

# Check the network configuration information
ip_conf = wifi.ipconfig()
print('get ip_conf:', ip_conf)

def tcp_client(address, port):
    # Create a socket object
    sock = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, usocket.IPPROTO_TCP)
    print('Socket object created.')
    
    # Before connecting to the server, bind the Wi-Fi NIC IP address
    local_address = ip_conf[0]
    sock.bind((local_address, 0))
    print('Bind ethernet address: %s', local_address)
    
    # Resolve the domain name
    sockaddr=usocket.getaddrinfo(address, port)[0][-1]
    print('DNS for %s: %s' % (address, sockaddr[0]))

    # Connect to the TCP server
    sock.connect(sockaddr)
    print('TCP link established.')

    # More code in TCP client samples above
    # (completed here with the rest of the TCP client sample)
    data = 'GET / HTTP/1.1\r\n'
    data += 'Host: ' + address + ':' + str(port) + '\r\n'
    data += 'Connection: close\r\n'
    data += '\r\n'
    data = data.encode()

    sock.send(data)
    print('<-- send data:')
    print(data)

    print('--> recv data:')
    while True:
        try:
            data = sock.recv(1024)
            print(data)
        except:
            print('tcp disconnected.')
            sock.close()
            break


if __name__ == '__main__':
    tcp_client('www.baidu.com', 80)
