# Sends SIZE-byte messages for SECONDS to 127.0.0.1:PORT through the modem
# named by the board config (QPYSHIM_CONFIG): the app's side of the modem
# throughput rows. Prints "ready" once connected, "done BYTES MS" at the end.
import sys

ROOT, PORT, SECONDS, SIZE = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
sys.path.insert(0, ROOT)
import shim  # noqa: E402

shim.install()
import checkNet  # noqa: E402
import usocket  # noqa: E402
import utime  # noqa: E402

stage, state = checkNet.waitNetworkReady(30)
if (stage, state) != (3, 1):
    print("nonet", stage, state)
    sys.exit(1)
s = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM)
s.settimeout(30)
s.connect(("127.0.0.1", PORT))
msg = bytes(0x41 + i % 26 for i in range(SIZE))  # letters: no byte a dialect escapes
print("ready")
sent, t0 = 0, utime.ticks_ms()
while utime.ticks_diff(utime.ticks_ms(), t0) < SECONDS * 1000:
    view = memoryview(msg)
    while view:
        n = s.send(view)
        view = view[n:]
    sent += SIZE
print("done", sent, utime.ticks_diff(utime.ticks_ms(), t0))
s.close()
