# The WIP driver's reader side (a mixin of Wip): the modem's output, cut
# by the codec into lines and mapped data, turned into replies for the
# command in flight and into socket events. It never waits on the modem:
# what needs a command (reading announced data, a peer's address, bringing
# the link back) is left to app threads or a thread of its own.
from ._port import port as _p
from ._mcore import CONNECTED, LISTENING
from ._atline import fields, ints
from ._wip_codec import STREAM, DGRAMS
from ._wip_line import ERRNO, LATE, sid, code

_time = _p.time


def _held(s):
    # What the modem still holds for s (its lock held): TCP's count goes when
    # the socket is mapped; UDP's is the datagrams its modem sockets hold.
    return 0 if s.type == 1 else sum(s.extra.held.values())


class Reader:
    def parse(self, data):
        self.rd.feed(bytes(data))

    def resync(self):
        self.rd.reset()
        self.cur = self.after = None

    def _data(self, chunk):
        self.last_io = _time.ticks_ms()
        s = self.find(self.cur)
        if s is not None:
            s.feed(chunk)

    def _dgram(self, data):
        self.last_io = _time.ticks_ms()
        id = self.cur
        s = self.find(id)
        if s is None:
            return
        x = s.extra
        with s.lock:
            peer = x.udp.get(id & 15)
            if peer is None:
                peer = x.ann.pop(0) if x.ann else ("0.0.0.0", 0)
        s.datagram(data, peer)

    def _end(self):
        self.after = self.cur  # the next line says why the session ended
        self.cur = None
        self.done.wake()
        self._stir()

    def _line(self, line):
        if line[:2] in (b"AT", b"at"):
            return  # our own command echoed (the modem boots with ATE1)
        why = self.after
        if why is not None:
            self.after = None
            self.done.wake()
            if line == b"OK":
                return  # our +++ was taken
            if line.startswith(b"+CME ERROR:"):
                s = self.find(why)
                if s is not None:
                    s.ended(ERRNO.get(code(line), 104))  # 843: the peer reset it
                return
        if line == b"OK" or line == b"ERROR":
            self.answer(line)
        elif line == b"CONNECT":
            self._connected(line)
        elif line.startswith(b"+CME ERROR:"):
            n = code(line)
            if self.creates and (n in LATE or not self.waiting):
                self._failed(n)
            else:
                self.answer(line)
        elif self.collect and line.startswith(self.collect) and (line[:7] != b"+WIPBR:" or line.count(b",") == 2):
            self.info.append(line)
        elif line.startswith(b"+WIP") or line.startswith(b"+WIND:"):
            try:
                self._urc(line)
            except (ValueError, IndexError):
                pass  # a garbled URC: nothing to act on

    def _connected(self, line):
        id = self.mapping
        if id is None or not self.waiting:
            return  # a CONNECT nobody asked for
        s = self.find(id)
        if s is not None:
            with s.lock:
                s.extra.held[id & 15] = 0  # everything held comes now
                s.pending = _held(s)
        self.cur = id
        self.rd.mode = STREAM if id >> 4 == 2 else DGRAMS
        self.last_io = _time.ticks_ms()
        self.answer(line)
        self._stir()

    def _urc(self, line):
        head, _, rest = line.partition(b":")
        f = fields(rest.decode())
        if head == b"+WIND":
            if f[0] == "4" and self.answered:
                self._lost(True)  # the modem booted again
            return
        if head == b"+WIPBR":
            if len(f) == 2 and f[0] == "6" and f[1] == "0":
                self._lost(False)  # the bearer went down
            return
        n = ints(f[:2])
        if n is None or len(n) < 2:
            return
        id = sid(n[0], n[1])
        if head == b"+WIPREADY":
            with self.lock:
                if id in self.creates:
                    self.creates.remove(id)
            s = self.find(id)
            if s is not None:
                s.extra.ready = 1
                s.ev.wake()
        elif head == b"+WIPDATA":
            self._announced(id, f)
        elif head == b"+WIPACCEPT":
            self._accepted(n[0], sid(2, n[1]))
        elif head == b"+WIPPEERCLOSE":
            s = self.find(id)
            if s is not None and n[0] == 2:
                if s.pending:
                    s.extra.fin = True  # the end comes after what the modem still holds
                    s.ev.wake()
                else:
                    s.ended(0)
        elif head == b"+WIPERROR" and len(f) > 2:
            s = self.find(id)
            if s is not None:
                s.ended(ERRNO.get(int(f[2]), 5) if f[2].isdigit() else 5)

    def _announced(self, id, f):
        s = self.find(id)
        if s is None or id == self.cur:
            return
        x = s.extra
        with s.lock:
            if id >> 4 == 2:
                s.pending = int(f[2]) if len(f) > 2 and f[2].isdigit() and int(f[2]) else 1
            else:
                i = id & 15
                x.held[i] = x.held.get(i, 0) + 1
                s.pending = _held(s)  # select.poll reads it
                if x.udp.get(i) is None and len(f) > 4 and f[4].isdigit() and len(x.ann) < 64:
                    x.ann.append((f[3], int(f[4])))
        s.ev.wake()

    def _accepted(self, srv, id):
        listener = self.find(sid(3, srv))
        conn = self.socket(1)
        conn.st = CONNECTED
        self.own(conn, id)
        if listener is None or listener.st != LISTENING:
            with self.lock:
                self.orphans.append(id)
            return
        listener.client(conn, None)  # its address is asked for before accept() returns it

    def _failed(self, n):
        with self.lock:
            if not self.creates:
                return
            id = self.creates.pop(0)
            s = self.socks.get(id)
            if s is not None:
                del self.socks[id]  # the modem has freed the index
        if s is not None:
            s.extra.ready = -(111 if n == 843 else ERRNO.get(n, 5))  # a reset answering a SYN: refused
            s.ev.wake()

