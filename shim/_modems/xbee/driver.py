# Digi XBee Cellular in API mode 1 or 2 (escaped): the extended socket
# frames (0x40-0x46 out, 0xC0-0xCF in), local AT commands (0x08/0x88) for
# readiness, address and DNS, and modem status (0x8A) for the data link.
from ..._ports import port as _p
from ..._lib import config as _config
from . import codec as _c
from ..core import Driver, Deadline, wait_until, limit_of, FOREVER, QUIET_MS, CONNECTING, CONNECTED, LISTENING

_err = _p.oserror


class XBee(Driver):
    NAME = "xbee"
    MAX = 1500
    SOCKETS = 6

    def __init__(self, line, cfg):
        Driver.__init__(self, line, cfg)
        self.escaped = int(cfg.get("api_mode", 1)) == 2
        self.dec = _c.Decoder(self.escaped)
        self.fid = 0
        self.want_fid = 0  # the request in flight
        self.want_type = 0
        self.next_port = 49152  # local ports for UDP sockets the app never bound
        self.recovering = False  # a thread reads the modem's state again (_recover)
        self.again = False  # a status came while it ran: once more
        self.swept = True  # False: the modem may hold sockets nobody owns (see _sweep)
        self.mklock = _p.thread.allocate_lock()  # a create and its own(), against _sweep

    # -- frames ------------------------------------------------------------------
    def _send_frame(self, data):
        self.write(_c.encode(data, self.escaped))

    def call(self, ftype, fields, reply_type, timeout_ms=None, limit=None):
        """Send a request frame; its response's fields after the frame ID.
        limit: the app call's Deadline (its settimeout), or None."""

        def send():
            self.fid = self.fid % 255 + 1  # 1..255: 0 would ask for no reply
            self.want_fid, self.want_type = self.fid, reply_type
            self._send_frame(bytes((ftype, self.fid)) + fields)

        return self.request(send, timeout_ms, limit)

    def at(self, cmd, param=b""):
        """A local AT command: (status, data)."""
        r = self.call(0x08, cmd + param, 0x88)
        return r[2], r[3:]

    def parse(self, data):
        for f in self.dec.feed(data):
            self.frame(f)

    def resync(self):
        self.dec = _c.Decoder(self.escaped)

    def wait_ms(self):
        return QUIET_MS if self.dec.need != -1 else FOREVER

    def idle(self):
        try:
            for f in self.dec.flush():
                self.frame(f)
        except Exception:  # as in the reader: a bad frame must not end it
            self.resync()

    def frame(self, f):
        t = f[0]
        if t in (0x88, 0x89, 0xC0, 0xC1, 0xC2, 0xC3, 0xC6):
            if len(f) > 1 and f[1] == self.want_fid and t == self.want_type:
                self.answer(f[2:])
            return
        if t == 0xCD and len(f) >= 4:
            s = self.find(f[2])
            if s is not None:
                if s.type == 2:
                    s.datagram(f[4:], s.peer)
                else:
                    s.feed(f[4:])
        elif t == 0xCE and len(f) >= 10:
            s = self.find(f[2])
            if s is not None:
                s.datagram(f[10:], (_c.ip(f[3:7]), (f[7] << 8) | f[8]))
        elif t == 0xCF and len(f) >= 3:
            self._state(f[1], f[2])
        elif t == 0xCC and len(f) >= 9:
            self._client(f[1], f[2], _c.ip(f[3:7]), (f[7] << 8) | f[8])
        elif t == 0x8A and len(f) >= 2:
            self._modem_status(f[1])

    def _state(self, id, st):
        s = self.find(id)
        if s is None:
            return
        if s.st == CONNECTING:
            s.extra = st  # the connect's result, read by connect()
            if st:
                self.forget(s)
            s.ev.wake()
            return
        if st == 0:
            return
        self.forget(s)  # any other state: the modem has freed the ID
        s.ended(0 if st in (3, 7) else _c.errno(_c.STATE_ERR, st))

    def _client(self, lid, cid, ip, port):
        listener = self.find(lid)
        if listener is None or listener.st != LISTENING:
            return
        conn = self.socket(1)
        conn.st = CONNECTED
        conn.peer = (ip, port)
        self.own(conn, cid)
        listener.client(conn, (ip, port))

    def _modem_status(self, st):
        if st == 0x02:
            self._kick()  # registered: ask AI and MY (the address may be new)
        elif st in (0x00, 0x01, 0x03):
            # A reset (hardware or watchdog) frees every socket; losing the
            # network ends them too. Either way the modem's state is read
            # again (AI, MY) rather than assumed: no 0x02 may follow, and a
            # frame that lied must not leave the link down for good.
            self.registered = False
            self.drop_all(103)
            self.set_link(False)
            self.swept = False  # the modem may hold IDs we no longer know
            self._kick()

    def _kick(self):
        with self.lock:
            if self.recovering:
                self.again = True
                return
            self.recovering = True
        _p.thread.start_new_thread(self._recover, ())

    def _recover(self):
        # Not in the reader (it reads the answers). Asks AI each second until
        # the link is up (or nobody wants it); ends when no status came meanwhile.
        while True:
            with self.lock:
                self.again = False
            try:
                up = self._check_ai()
                if up and not self.swept:
                    self._sweep()
            except OSError:
                up = False
            with self.lock:
                if (up or not self.want) and not self.again:
                    self.recovering = False
                    return
            _p.time.sleep_ms(1000)

    def _sweep(self):
        """Close the sockets the modem holds that no app socket owns (ATSI
        lists them): after a reset or a lost close they would fill its table."""
        st, ids = self.at(b"SI")
        if st != 0:
            return
        with self.mklock:
            for tok in bytes(ids).split(b"\r"):
                tok = tok.strip(b"* ")
                if tok[:2] not in (b"0x", b"0X"):
                    continue
                try:
                    id = int(tok[2:], 16)
                except ValueError:
                    continue
                if self.find(id) is None:
                    try:
                        self.call(0x43, bytes((id,)), 0xC3)
                    except OSError:
                        pass
            self.swept = True

    # -- the link --------------------------------------------------------------------
    def init(self):
        self._check_ai()

    def _check_ai(self):
        st, ai = self.at(b"AI")
        if st != 0 or not ai:
            raise _err(5)
        up = ai[0] == 0
        self.registered = up
        if up:
            st, my = self.at(b"MY")
            self.set_link(True, _c.ip(my) if st == 0 and len(my) == 4 else None)
        else:
            self.set_link(False)
        return up

    def bring_up(self, ctx=None):
        self.at(b"AM", b"\x00")  # out of airplane mode, if an earlier bring_down put it there
        d = Deadline(self.connect_s)
        while not self._check_ai():
            if d.over():
                raise _err(110)
            _p.time.sleep_ms(250)  # the modem registers on its own; ask again shortly

    def bring_down(self):
        self.at(b"AM", b"\x01")  # airplane mode: the modem leaves the network
        self._check_ai()

    def resolve(self, host):
        st, ip = self.at(b"LA", host.encode())
        if st != 0 or len(ip) != 4:
            raise _err(-202)
        return _c.ip(ip)

    # -- sockets -----------------------------------------------------------------------
    def _create(self, sock, limit=None):
        if sock.id is not None:
            return
        for attempt in (0, 1):
            with self.mklock:
                r = self.call(0x40, bytes((1 if sock.type == 1 else 0,)), 0xC0, limit=limit)
                if r[1] == 0:
                    self.own(sock, r[0])
                    return
            if r[1] != 0x32 or attempt:
                raise _err(_c.errno(_c.REQ_ERR, r[1]))
            self._sweep()  # no socket free: some may be held for nobody

    def connect(self, sock, ip, port):
        lim = limit_of(sock)  # the whole connect ends by then, not each frame
        self._create(sock, lim)
        sock.extra = None
        r = self.call(0x42, bytes((sock.id, port >> 8, port & 0xFF, 0)) + _c.ip_bytes(ip), 0xC2, limit=lim)
        if r[1] != 0:
            raise _err(_c.errno(_c.REQ_ERR, r[1]))
        if not wait_until(sock.ev, lambda: sock.extra is not None, lim.left() / 1000 if lim else self.connect_s):
            self.close(sock, CONNECTING, Deadline(0.5) if lim else None)  # half a second at most to tidy up
            raise _err(110)
        if sock.extra:
            sock.id = None
            raise _err(_c.errno(_c.STATE_ERR, sock.extra))

    def bind(self, sock, port):
        self._create(sock)
        self._listen(sock, port)

    def _listen(self, sock, port):
        r = self.call(0x46, bytes((sock.id, port >> 8, port & 0xFF)), 0xC6)
        if r[1] != 0:
            raise _err(_c.errno(_c.LISTEN_ERR, r[1]))

    def listen(self, sock, port, backlog):
        self._create(sock)
        if sock.st != LISTENING:
            self._listen(sock, port)

    def _tx(self, ftype, fields, limit=None):
        r = self.call(ftype, fields, 0x89, limit=limit)
        if r[0] != 0:
            raise _err(_c.errno(_c.TX_ERR, r[0]))

    def send(self, sock, data):
        self._tx(0x44, bytes((sock.id, 0)) + data, limit_of(sock))
        return len(data)

    def sendto(self, sock, data, ip, port):
        if sock.id is None or sock.local is None:
            self._create(sock)
            self.next_port = self.next_port + 1 if self.next_port < 65535 else 49152
            sock.local = ("0.0.0.0", self.next_port)
            self._listen(sock, self.next_port)  # a UDP socket sends from a bound port
        self._tx(0x45, bytes((sock.id,)) + _c.ip_bytes(ip) + bytes((port >> 8, port & 0xFF, 0)) + data, limit_of(sock))
        return len(data)

    def close(self, sock, was, limit=None):
        if sock.id is None or self.find(sock.id) is not sock:
            return  # never created, or the modem freed it already
        self.forget(sock)
        try:
            self.call(0x43, bytes((sock.id,)), 0xC3, limit=limit)
        except OSError as e:
            _config.log("xbee: closing socket %d: %s" % (sock.id, e))
