"""Telit IP Easy, byte for byte: the transcripts of the "IP Sockets
Overview" application note for Telit modems (Modem A dialling Modem B in
online mode, with its setup commands) and a command-mode transcript
assembled from Telit's AT command reference guides (LE910, ME910, ML865)
replayed against the simulator over its pty, the simulator's
error replies, faults and firewall, and the driver's line parsing on the
real micropython binary.

Where the guides are silent the simulator chose (see its docstrings):
the listen URC is spelled as the "IP Sockets Overview" note prints it
(`SRING:1`, not the reference guides' `SRING : 2`); #SRECV prints header, data, CR LF, then `\\r\\nOK\\r\\n`;
an #SRECV with nothing buffered is `wrong state`; the firewall drops every
inbound connection while its list is empty; nothing is printed at power-on.
The note's quotes are typographic (”); a modem takes ASCII quotes only."""

import re
import socket
import time

import pytest

import ptywire
from conftest import Board
from ptywire import PtyWire
from modemkit import simulator

GUARD = 0.05  # modemkit's guard_ms for the Telit simulator


class Wire(PtyWire):
    def at(self, cmd, reply, echo=True):
        """Send an AT command; its echo (the modem boots with echo on) and
        `reply` follow, byte for byte."""
        self.write(cmd + b"\r")
        self.exactly((cmd + b"\r" if echo else b"") + reply)


OK = b"\r\nOK\r\n"

wire = ptywire.fixture(Wire)


def escape(w):
    time.sleep(GUARD * 2)  # the escape's guard time before `+++` is part of the protocol
    w.write(b"+++")
    w.exactly(OK)  # the simulator waits out the guard after the pluses itself


def wait_state(w, cid, state, echo=True, timeout=5):
    """Ask #SS until connId `cid` shows `state` (a host event is asynchronous)."""
    end = time.monotonic() + timeout
    while True:
        cmd = b"AT#SS=%d" % cid
        w.write(cmd + b"\r")
        m = w.match(re.escape(cmd + b"\r" if echo else b"") + rb"\r\n#SS: \d,(\d)[^\r]*\r\n\r\nOK\r\n")
        if int(m.group(1)) == state:
            return
        assert time.monotonic() < end, f"connId {cid} never reached state {state}"


def test_note_modem_a_dials_modem_b_in_online_mode(wire):
    # Modem B (80.80.80.81) sees Modem A's loopback connections as 80.80.80.80.
    with simulator("telit", ip="80.80.80.81", cfg={"endpoints": {"80.80.80.80": "127.0.0.1"}}) as b_sim:
        b = wire(b_sim)
        b.at(b"AT+CMEE=2", OK)
        b.at(b'AT+CGDCONT=1,"IP","APN Name"', OK)
        b.at(b'AT#SGACT=1,1,"username","password"', b"\r\n#SGACT: 80.80.80.81\r\n" + OK)
        b.at(b'AT#FRWL=1,"80.80.80.80","255.255.255.255"', OK)
        b.at(b"AT#SL=1,1,1024,255", OK)
        b_port = b_sim.net.real_port(1024)
        with simulator("telit", ip="80.80.80.80", cfg={"endpoints": {"80.80.80.81:1024": f"127.0.0.1:{b_port}"}}) as a_sim:
            a = wire(a_sim)
            a.at(b"AT+CMEE=2", OK)
            a.at(b'AT+CGDCONT=1,"IP","APN Name"', OK)
            a.at(b'AT#SGACT=1,1,"username","password"', b"\r\n#SGACT: 80.80.80.80\r\n" + OK)
            a.at(b'AT#SD=1,0,1024,"080.080.080.081",255,0', b"\r\nCONNECT\r\n")
            b.exactly(b"\r\nSRING:1\r\n")  # "a connection is requested on connection context 1"
            b.at(b"AT#SA=1", b"\r\nCONNECT\r\n")
            a.write(b"hello B\r\n")  # online: the UART is the socket, both ways
            b.exactly(b"hello B\r\n")
            b.write(b"+++ is data here")  # no guard time around it: not an escape
            a.exactly(b"+++ is data here")
            escape(a)
            a.write(b"AT#SS\r")  # "Check status of each socket from 1-6": 1 suspended
            a.match(rb"AT#SS\r\r\n#SS: 1,2,80\.80\.80\.80,\d+,80\.80\.80\.81,1024\r\n"
                    rb"#SS: 2,0\r\n#SS: 3,0\r\n#SS: 4,0\r\n#SS: 5,0\r\n#SS: 6,0\r\n\r\nOK\r\n")
            escape(b)
            b.write(b"AT#SS=1\r")
            b.match(rb"AT#SS=1\r\r\n#SS: 1,2,80\.80\.80\.81,1024,80\.80\.80\.80,\d+\r\n\r\nOK\r\n")
            b.at(b"AT#SO=1", b"\r\nCONNECT\r\n")  # resume B; A stays suspended
            b.write(b"while A is suspended")
            a.exactly(b"\r\nSRING: 1\r\n")  # srMode 0 (the default): no count
            a.at(b"AT#SO=1", b"\r\nCONNECT\r\n" + b"while A is suspended")
            escape(a)
            a.at(b"AT#SGACT=1,0", OK)  # the context goes, and the socket with it
            a.at(b"AT#SS=1", b"\r\n#SS: 1,0\r\n" + OK)
            a.at(b"AT#SLASTCLOSURE=1", b"\r\n#SLASTCLOSURE: 1,4\r\n" + OK)
            b.exactly(b"\r\nNO CARRIER\r\n")  # B was online: its peer's end ends the call
            b.at(b"AT#SS=1", b"\r\n#SS: 1,0\r\n" + OK)


def test_note_setup_commands_and_its_placeholders(wire):
    with simulator("telit", ip="10.20.30.40") as sim:
        w = wire(sim)
        w.at(b"AT+CMEE=2", OK)
        w.at(b"AT#SCFG=1,1,300,90,600,50", OK)
        w.at(b'AT#SGACT=1,1,"username","password"', b"\r\n#SGACT: 10.20.30.40\r\n" + OK)
        w.at(b'AT#SD=1,0,Port Number,"IP Address",255,0', b"\r\nERROR\r\n")  # the note's placeholders
        w.at(b'AT#FRWL=1,"0.0.0.0","0.0.0.0"', OK)  # "Allow all"
        w.at(b'AT#SL=1,1,"Port Number"', b"\r\nERROR\r\n")
        w.at(b'AT#SL=1,1,"1024"', OK)  # the note quotes the port: a quoted number is taken
        w.at(b"AT#SS", b"\r\n#SS: 1,4,10.20.30.40,1024\r\n#SS: 2,0\r\n#SS: 3,0\r\n#SS: 4,0\r\n#SS: 5,0\r\n"
                       b"#SS: 6,0\r\n" + OK)
        w.at(b'AT#FRWL?', b'\r\n#FRWL: "0.0.0.0","0.0.0.0"\r\n' + OK)
        w.at(b"AT#SGACT=1,0", OK)  # "Close GPRS context"
        w.at(b"AT#SGACT?", b"\r\n#SGACT: 1,0\r\n" + OK)
        w.at(b"AT#SS=1", b"\r\n#SS: 1,0\r\n" + OK)


def test_guides_command_mode_transcript(wire, peer_server):
    # 192.0.2.1:7 is an echo service; "h" port 80 a server that greets.
    echo = socket.socket()
    echo.bind(("127.0.0.1", 0))
    echo.listen(1)
    cfg = {"hosts": {"h": "192.0.2.2"},
           "endpoints": {"192.0.2.1:7": "127.0.0.1:%d" % echo.getsockname()[1],
                         "192.0.2.2:80": "127.0.0.1:%d" % peer_server.server_address[1]}}
    with simulator("telit", ip="10.1.2.3", cfg=cfg) as sim:
        w = wire(sim)
        w.at(b"ATE0", OK)
        w.at(b"AT#SGACT=1,1", b"\r\n#SGACT: 10.1.2.3\r\n" + OK, echo=False)
        w.at(b"AT#SCFGEXT=1,1,0,0", OK, echo=False)
        w.at(b'AT#SD=1,0,7,"192.0.2.1",0,0,1', OK, echo=False)
        conn, _ = echo.accept()
        w.write(b"AT#SSENDEXT=1,5\r")
        w.exactly(b"\r\n> ")
        w.write(b"hello")
        w.exactly(OK)
        conn.sendall(conn.recv(5))
        w.exactly(b"\r\nSRING: 1,5\r\n")
        w.at(b"AT#SRECV=1,1500", b"\r\n#SRECV: 1,5\r\nhello\r\n" + OK, echo=False)
        w.at(b"AT#SS=1", b"\r\n#SS: 1,2,10.1.2.3,%d,192.0.2.1,7\r\n" % sim.conns[1].lport + OK, echo=False)
        w.at(b"AT#SH=1", OK, echo=False)
        assert conn.recv(16) == b""  # #SH ends the connection with a FIN
        w.at(b'AT#FRWL=1,"0.0.0.0","0.0.0.0"', OK, echo=False)  # the firewall drops until told
        w.at(b"AT#SL=2,1,3500", OK, echo=False)
        c = socket.create_connection(("127.0.0.1", sim.net.real_port(3500)), timeout=5)
        w.exactly(b"\r\nSRING:2\r\n")  # the connection request (the note's spelling)
        w.at(b"AT#SS=2", b"\r\n#SS: 2,5,10.1.2.3,3500,127.0.0.1,%d\r\n" % c.getsockname()[1] + OK, echo=False)
        w.at(b"AT#SA=2,1", OK, echo=False)  # connId 2 is now a command-mode connection
        c.sendall(b"abc")
        w.exactly(b"\r\nSRING: 2\r\n")  # connId 2 kept srMode 0: no count
        w.at(b"AT#SRECV=2,2", b"\r\n#SRECV: 2,2\r\nab\r\n" + OK, echo=False)
        w.exactly(b"\r\nSRING: 2\r\n")  # [U] what is left is announced again
        w.at(b"AT#SI=2", b"\r\n#SI: 2,0,3,1,0\r\n" + OK, echo=False)
        w.at(b"AT#SRECV=2,2", b"\r\n#SRECV: 2,1\r\nc\r\n" + OK, echo=False)
        w.at(b"AT#SD=3,0,80,\"h\",0,0,0", b"\r\nCONNECT\r\n", echo=False)
        w.match(rb"peer=127\.0\.0\.1:\d+\n")  # the server's greeting, raw
        escape(w)
        w.at(b"AT#SO=3", b"\r\nCONNECT\r\n", echo=False)
        escape(w)
        c.close()


def test_udp_any_peer_as_mbed_opens_it(wire):
    peer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    peer.bind(("127.0.0.1", 0))
    peer.settimeout(5)
    with simulator("telit") as sim:
        w = wire(sim)
        w.at(b"ATE0", OK)
        w.at(b"AT#SGACT=1,1", b"\r\n#SGACT: 127.0.0.1\r\n" + OK, echo=False)
        w.at(b"AT#SCFGEXT=1,1,0,0", OK, echo=False)
        w.at(b'AT#SD=1,1,1,"127.0.0.1",0,5000,1', OK, echo=False)
        w.write(b'AT#SSENDUDPEXT=1,4,"127.0.0.1",%d\r' % peer.getsockname()[1])
        w.exactly(b"\r\n> ")
        w.write(b"ping")
        w.exactly(OK)
        data, src = peer.recvfrom(64)
        assert data == b"ping" and src[1] == sim.net.real_port(5000, "udp")
        peer.sendto(b"pong!", src)
        w.exactly(b"\r\nSRING: 1,5\r\n")
        w.at(b"AT#SRECV=1,1500,1", b"\r\n#SRECV: 127.0.0.1,%d,1,5,0\r\npong!\r\n" % peer.getsockname()[1] + OK,
             echo=False)
        w.at(b"AT#SRECV=1,1500,1", b"\r\nERROR\r\n", echo=False)  # nothing left; AT+CMEE=0 at boot
        w.at(b"AT#SH=1", OK, echo=False)
        peer.sendto(b"late", src)  # closed: nobody announces it
        w.quiet()


def test_errors_follow_cmee_and_limits(wire, peer_server):
    from conftest import free_port

    with simulator("telit") as sim:
        w = wire(sim)
        w.at(b"ATE0", OK)
        sd = b'AT#SD=1,0,%d,"127.0.0.1",0,0,1' % peer_server.server_address[1]
        w.at(sd, b"\r\nERROR\r\n", echo=False)  # AT+CMEE=0 at boot: a bare ERROR
        w.at(b"AT+CMEE=1", OK, echo=False)
        w.at(sd, b"\r\n+CME ERROR: 556\r\n", echo=False)
        w.at(b"AT+CMEE=2", OK, echo=False)
        w.at(sd, b"\r\n+CME ERROR: context not opened\r\n", echo=False)
        w.at(b'AT#QDNS="localhost"', b"\r\n+CME ERROR: context not opened\r\n", echo=False)
        w.at(b"AT#SGACT=1,1", b"\r\n#SGACT: 127.0.0.1\r\n" + OK, echo=False)
        w.at(b"AT#SGACT=1,1", b"\r\n+CME ERROR: context already activated\r\n", echo=False)
        w.at(b"AT+CGPADDR=1", b'\r\n+CGPADDR: 1,"127.0.0.1"\r\n' + OK, echo=False)
        w.at(b'AT#QDNS="nowhere.example"', b"\r\n+CME ERROR: can not resolve DN\r\n", echo=False)
        w.at(b'AT#QDNS="LocalHost"', b'\r\n#QDNS: "LocalHost","127.0.0.1"\r\n' + OK, echo=False)
        w.at(b'AT#SD=1,0,80,"nowhere.example",0,0,1', b"\r\n+CME ERROR: can not resolve DN\r\n", echo=False)
        w.at(b'AT#SD=1,0,%d,"127.0.0.1",0,0,1' % free_port(), b"\r\n+CME ERROR: connection failed\r\n", echo=False)
        w.at(b'AT#SD=1,0,80,"203.0.113.9",0,0,1', b"\r\n+CME ERROR: time-out in opening socket\r\n", echo=False)
        w.at(b"AT#SS=1", b"\r\n#SS: 1,0\r\n" + OK, echo=False)  # no attempt left the connId taken
        w.at(b"AT#SSENDEXT=1,5", b"\r\n+CME ERROR: wrong state\r\n", echo=False)
        w.at(sd, OK, echo=False)
        w.exactly(b"\r\nSRING: 1\r\n")  # the server's greeting; srMode 0 by default
        w.at(sd, b"\r\n+CME ERROR: wrong state\r\n", echo=False)  # connId 1 is busy
        w.at(b"AT#SSENDEXT=1,1501", b"\r\nERROR\r\n", echo=False)  # 1..1500 bytes
        w.at(b"AT#SSENDEXT=1,0", b"\r\nERROR\r\n", echo=False)
        w.at(b"AT#SRECV=1,0", b"\r\nERROR\r\n", echo=False)
        w.at(b"AT#SRECV=1,1501", b"\r\nERROR\r\n", echo=False)
        w.at(b"AT#SD=7,0,80,\"127.0.0.1\",0,0,1", b"\r\nERROR\r\n", echo=False)  # connIds 1..6
        w.at(b'AT#FRWL=1,"0.0.0.0","0.0.0.0"', OK, echo=False)
        w.at(b"AT#SL=2,1,4000", OK, echo=False)
        w.at(b"AT#SL=2,1,4000", b"\r\n+CME ERROR: already listening\r\n", echo=False)
        w.at(b"AT#SL=1,1,4000", b"\r\n+CME ERROR: wrong state\r\n", echo=False)  # 1 is a connection
        w.at(b"AT#SA=2,1", b"\r\n+CME ERROR: wrong state\r\n", echo=False)  # nobody waits on 2
        w.at(b"AT#SO=3", b"\r\n+CME ERROR: can not resume socket\r\n", echo=False)
        w.at(b"AT#BOGUS", b"\r\nERROR\r\n", echo=False)
        w.at(b"ATX9", b"\r\nERROR\r\n", echo=False)
        w.at(b'AT#SD=1,0,80,"unbalanced,0,0,1', b"\r\nERROR\r\n", echo=False)
        w.at(b"AT" + b"I" * 500, b"\r\nERROR\r\n", echo=False)  # past the 400-byte command line
        w.write(b"hello modem\r")  # not a command line: nothing answers
        w.quiet()
        w.at(b"at", OK, echo=False)
        w.at(b"AT+CMEE?", b"\r\n+CMEE: 2\r\n" + OK, echo=False)


def test_socket_limit_option(wire):
    with simulator("telit", sockets=2) as sim:
        w = wire(sim)
        w.at(b"AT#SS", b"\r\n#SS: 1,0\r\n#SS: 2,0\r\n" + OK)
        w.at(b"AT#SS=3", b"\r\nERROR\r\n")


def turned_away(port):
    """A connection to the modem's port is reset (or closed) at once."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as c:
            return c.recv(1) == b""
    except ConnectionError:
        return True


@pytest.mark.parametrize("drop", [True, False])
def test_firewall_drops_inbound_connections_by_default(wire, drop):
    with simulator("telit", firewall_default_drop=drop) as sim:
        w = wire(sim)
        w.at(b"ATE0", OK)
        w.at(b"AT#SGACT=1,1", b"\r\n#SGACT: 127.0.0.1\r\n" + OK, echo=False)
        w.at(b"AT#SL=1,1,4100", OK, echo=False)
        port = sim.net.real_port(4100)
        if drop:
            assert turned_away(port)
            w.quiet()  # no SRING: the list is empty and the default is DROP
            w.at(b'AT#FRWL=1,"127.0.0.0","255.0.0.0"', OK, echo=False)
            w.at(b'AT#FRWL=1,"192.168.0.0","255.255.0.0"', OK, echo=False)
            w.at(b'AT#FRWL?', b'\r\n#FRWL: "127.0.0.0","255.0.0.0"\r\n#FRWL: "192.168.0.0","255.255.0.0"\r\n' + OK,
                 echo=False)
        c = socket.create_connection(("127.0.0.1", port), timeout=5)
        w.exactly(b"\r\nSRING:1\r\n")
        if drop:
            w.at(b'AT#FRWL=0,"127.0.0.0","255.0.0.0"', OK, echo=False)
            w.at(b"AT#FRWL=2", OK, echo=False)
            w.at(b'AT#FRWL?', OK, echo=False)
        w.at(b"AT#SH=1", OK, echo=False)  # refuses the waiting connection
        c.settimeout(5)
        assert c.recv(1) == b""  # a FIN: the modem closed it
        w.at(b"AT#SS=1", b"\r\n#SS: 1,0\r\n" + OK, echo=False)


def test_online_peer_close_is_no_carrier(wire):
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    with simulator("telit") as sim:
        w = wire(sim)
        w.at(b"ATE0", OK)
        w.at(b"AT#SGACT=1,1", b"\r\n#SGACT: 127.0.0.1\r\n" + OK, echo=False)
        w.at(b'AT#SD=1,0,%d,"127.0.0.1"' % srv.getsockname()[1], b"\r\nCONNECT\r\n", echo=False)
        c, _ = srv.accept()
        c.sendall(b"bye")
        c.close()
        w.exactly(b"bye\r\nNO CARRIER\r\n")  # closureType 0: the call ends with the peer's
        w.at(b"AT#SS=1", b"\r\n#SS: 1,0\r\n" + OK, echo=False)
        w.at(b"AT#SLASTCLOSURE=1", b"\r\n#SLASTCLOSURE: 1,1\r\n" + OK, echo=False)


def test_faults_drop_lose_context_and_restart(wire):
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(2)
    sd = b'AT#SD=1,0,%d,"127.0.0.1",0,0,1' % srv.getsockname()[1]
    with simulator("telit", recover_s=0.3) as sim:
        w = wire(sim)
        w.at(b"ATE0", OK)
        w.at(b"AT+CMEE=2", OK, echo=False)
        w.at(b"AT#SGACT=1,1", b"\r\n#SGACT: 127.0.0.1\r\n" + OK, echo=False)
        w.at(sd, OK, echo=False)
        c, _ = srv.accept()
        sim.fault("drop")  # the network resets the connection: no URC (command mode)
        with pytest.raises(ConnectionResetError):
            c.settimeout(5)
            c.recv(1)
        wait_state(w, 1, 0, echo=False)
        w.at(b"AT#SLASTCLOSURE=1", b"\r\n#SLASTCLOSURE: 1,2\r\n" + OK, echo=False)
        w.at(sd, OK, echo=False)
        c2, _ = srv.accept()
        sim.fault("lose-context")
        w.quiet()  # [U] no URC tells of it
        w.at(b"AT#SGACT?", b"\r\n#SGACT: 1,0\r\n" + OK, echo=False)
        w.at(b"AT#SS=1", b"\r\n#SS: 1,0\r\n" + OK, echo=False)
        w.at(b"AT#SLASTCLOSURE=1", b"\r\n#SLASTCLOSURE: 1,4\r\n" + OK, echo=False)
        w.at(b"AT#SGACT=1,1", b"\r\n+CME ERROR: activation failed\r\n", echo=False)  # the network is back later
        end = time.monotonic() + 5
        while True:
            w.write(b"AT#SGACT=1,1\r")
            if w.match(rb"\r\n(#SGACT: 127\.0\.0\.1\r\n\r\nOK|\+CME ERROR: activation failed)\r\n").group(1) != b"+CME ERROR: activation failed":
                break
            assert time.monotonic() < end
        sim.fault("restart")  # power cycle: echo on, AT+CMEE=0, no context, nothing printed
        w.quiet()
        w.at(b"AT#SGACT?", b"\r\n#SGACT: 1,0\r\n" + OK)
        w.at(b"AT+CMEE?", b"\r\n+CMEE: 0\r\n" + OK)


def test_garble_spoils_one_final_result(wire):
    with simulator("telit") as sim:
        w = wire(sim)
        w.at(b"ATE0", OK)
        sim.fault("garble")
        w.at(b"AT", b"\r\n\xffK\r\n", echo=False)
        w.at(b"AT", OK, echo=False)


# -- the driver's line parser, on the real micropython binary -----------------------------

PARSE = r'''
from shim._modems.telit import at as at
from shim._modems.telit.driver import Telit
from shim._modems.core import CONNECTED

class Line:
    def write(self, b):
        pass

def show(x):
    print(repr(x))

show(at.final(b"OK"))
show(at.final(b"+CME ERROR: can not resolve DN"))
show(at.final(b"+CME ERROR: 562"))
show(at.final(b"ERROR"))
show(at.final(b"#SS: 1,0"))
for u in (b"SRING: 1,5", b"SRING : 2", b"+SRING : 3", b"SRING:1", b"SRING: 4", b"SRING: 10.0.0.1,7,5,9,0,data", b"SRINGX"):
    show(at.sring(u))
show(at.srecv(b"#SRECV: 1,5"))
show(at.srecv(b"#SRECV: 10.0.0.1,7,2,5,0"))
show(at.ss(b"#SS: 1,2,10.1.2.3,50001,192.0.2.1,7"))

d = Telit(Line(), {})
s = d.socket(1)
s.st = CONNECTED
d.own(s, 1)
d.parse(b"\r\nSRING: 1,7\r\n")
show(s.pending)
d.waiting = True
d.replies.sock = s
d.parse(b"\r\n#SRECV: 1,7\r\nab\r\nOK\r\n\r\n\r\nOK\r\n")
show(s.rx)
show(d.reply)
show(s.pending)
'''


def test_driver_parser_on_micropython(tmp_path):
    r = Board(tmp_path, "micropython").run(PARSE)
    assert r.code == 0, r
    assert r.lines == [
        "0", "558", "562", "-1", "None",
        "(1, 5)", "(2, None)", "(3, None)", "(1, None)", "(4, None)", "(5, 9)", "None",
        "(1, 5, None, 0)", "(2, 5, ('10.0.0.1', 7), 0)", "(1, 2, ('192.0.2.1', 7))",
        "7", "[b'ab\\r\\nOK\\r']", "b'OK'", "0",
    ], r
