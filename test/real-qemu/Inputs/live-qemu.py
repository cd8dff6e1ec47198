# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""live-qemu.py QEMU LLDB PLUGIN DIR: the plugin on a running QEMU.

Starts QEMU (paused, -S, pc, 256 MiB with 1 MiB of random data loaded at
2 MiB), takes QEMU's own dump over QMP as DIR/reference.vmcore, then attaches
LLDB to the live process (lldb -p PID), runs `qemu dump-guest-memory
DIR/live.vmcore` and detaches; checks that QEMU still answers QMP after the
detach, and quits it. Prints LLDB's output; exits with LLDB's status."""
import os
import random
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "utils"))
from qmp import QMP  # noqa: E402

qemu, lldb, plugin, out = sys.argv[1:5]
os.makedirs(out, exist_ok=True)
blob = os.path.join(out, "blob.bin")
with open(blob, "wb") as f:
    f.write(random.Random("qemudump-live").randbytes(1 << 20))
sock = os.path.join(tempfile.mkdtemp(prefix="qemudump-live-"), "qmp.sock")
proc = subprocess.Popen(
    [qemu, "-machine", "pc", "-accel", "tcg", "-m", "256M", "-nic", "none",
     "-display", "none", "-L", "/usr/share/seabios", "-L", "/usr/share/qemu",
     "-device", "loader,file=%s,addr=0x200000,force-raw=on" % blob,
     "-qmp", "unix:%s,server=on,wait=off" % sock, "-S"],
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    for _ in range(300):
        if os.path.exists(sock):
            break
        time.sleep(0.1)
    qmp = QMP.connect(sock, proc=proc)
    qmp.execute("stop")
    ref = os.path.join(out, "reference.vmcore")
    qmp.execute("dump-guest-memory", {"paging": False, "protocol": "file:" + ref},
                timeout=300)
    r = subprocess.run(
        [lldb, "-b", "-p", str(proc.pid), "-o", "plugin load " + plugin,
         "-o", "qemu dump-guest-memory %s" % os.path.join(out, "live.vmcore"),
         "-o", "process detach"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
    print(r.stdout)
    status = qmp.execute("query-status")
    print("QEMU after detach: running=%s status=%s" % (status["running"], status["status"]))
    qmp.execute("quit")
    proc.wait(timeout=30)
    sys.exit(r.returncode)
finally:
    if proc.poll() is None:
        proc.kill()
        proc.wait()
