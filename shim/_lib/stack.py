# The seam between QuecPython's socket modules (usocket, dataCall, checkNet)
# and the network stack under them. The board config's "stack" section picks
# one: the interpreter's own sockets ("native", the default: the desktop's
# virtual network or a board's lwIP), or a serial modem's own TCP/IP stack
# through a driver (one folder a dialect under _modems/; the host's registry
# of dialects is qpyshim/dialects.py).
#
# A stack provides:
#   socket(af, type)     a socket with the native socket's calls and errors
#   tcp_state(s)         lwIP's state number of a connected stream socket
#   abort(s)             end s so a thread blocked on it wakes (data call drop)
#   readable(s, ms)      whether s has data within ms (TLS sockets too on native)
#   keepalive(s, min) / reuseaddr(s, on)
#   lock, gen, default_src
#   addr(ip, port)       the socket's address form; view(raw) turns it back
#   is_literal(s) / is_local(ip) / resolve(host) / route(ip, port, type)
#   bind(s, ip, port, type) -> a key for release(key), or None
# and `link`: what stands behind dataCall's profile 1 (None: the simulated
# modem of the board config), with start/sim/reg/bring as _modem asks.
# and, optionally, `kind` (a handed stack's name; "native" makes usocket wait
# in Python where the port's timeouts restart) and `boot(board)` (called when
# a board powers on with it: the desktop's vnet reads its tables there).
#
# The board (shim/_lib/board.py) picks the stack when it powers on and holds it as
# board.net (and the link as board.link); a test hands shim.install() its own
# (shim.install(config={...}, stack=FakeStack()), see tests/fakestack.py).
# Modules reach it through the board when called, never at import.
