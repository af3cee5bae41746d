# `make run`'s app: the application note's TCP echo server (a thread per
# client, unchanged, from note.py) and its client for three rounds; then the
# app ends the board run with usys.exit(0).
import _thread
import checkNet
import dataCall
import usocket
import usys
import utime
from usr.note import tcp_server

ROUNDS = 3


def tcp_client(address, port):
    # The note's client, with its endless loop bounded to ROUNDS exchanges.
    sock = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, usocket.IPPROTO_TCP)
    print('[client] socket object created.')
    print('[client] connecting: %s, %s' % (address, port))
    sock.connect((address, port))
    print('[client] connected.')
    data = b'1234567890'
    for n in range(ROUNDS):
        sock.send(data)
        print('[client] send data:', data)
        data = sock.recv(1024)
        print('[client] recv data:', data)
        print('[client] -------------------------')
        if n + 1 < ROUNDS:
            utime.sleep(1)
    sock.close()
    print('[client] disconnected.')


if __name__ == '__main__':
    stage, state = checkNet.waitNetworkReady(30)
    if stage == 3 and state == 1:
        print('[net] Network connection successful.')
        server_addr = dataCall.getInfo(1, 0)[2][2]
        server_port = 80
        _thread.start_new_thread(tcp_server, (server_addr, server_port))
        print('sleep 3s to ensure that the server starts successfully.')
        utime.sleep(3)
        tcp_client(server_addr, server_port)
        usys.exit(0)  # the server thread would accept forever, as on the module
    else:
        print('[net] Network connection failed, stage={}, state={}'.format(stage, state))
        usys.exit(1)
