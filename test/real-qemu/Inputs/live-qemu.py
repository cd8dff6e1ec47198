# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""live-qemu.py QEMU LLDB PLUGIN DIR: the plugin on a running QEMU.

Starts QEMU (paused, -S, pc, 256 MiB with 1 MiB of random data loaded at
2 MiB), takes QEMU's own dump over QMP as DIR/reference.vmcore, then attaches
LLDB to the live process (lldb -p PID), runs `qemu dump-guest-memory
DIR/live.vmcore` and detaches; checks that QEMU still answers QMP after the
detach, and quits it. Prints LLDB's output; exits with LLDB's status."""
import os
import subprocess
import sys

from paused_qemu import PausedQemu

qemu, lldb, plugin, out = sys.argv[1:5]
with PausedQemu(qemu, out, "qemudump-live", 1 << 20) as q:
    r = subprocess.run(
        [lldb, "-b", "-p", str(q.pid), "-o", "plugin load " + plugin,
         "-o", "qemu dump-guest-memory %s" % os.path.join(out, "live.vmcore"),
         "-o", "process detach"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
    print(r.stdout)
    status = q.qmp.execute("query-status")
    print("QEMU after detach: running=%s status=%s" % (status["running"], status["status"]))
    q.quit()
    sys.exit(r.returncode)
