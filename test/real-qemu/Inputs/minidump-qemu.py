# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""minidump-qemu.py QEMU LLDB_WRITER DIR [STYLE]: a real QEMU minidump.

Starts QEMU (paused, -S, pc, 256 MiB with 4 MiB of known data loaded at
2 MiB), takes QEMU's own dump over QMP as DIR/reference.vmcore, then
attaches LLDB_WRITER (lldb 22: older LLDBs cannot read back the minidumps
they write) to the paused process and saves it as DIR/qemu.dmp with
`process save-core --plugin-name=minidump --style STYLE` (default full:
all memory; `stack` saves the threads' stacks only), detaches, and
quits QEMU. (tb-size=16: a 16 MiB TCG translation buffer instead of 1 GiB,
all of which a full minidump would store.) Prints LLDB's output; exits
non-zero when the minidump was not written."""
import os
import subprocess
import sys

from paused_qemu import PausedQemu

qemu, lldb, out = sys.argv[1:4]
style = sys.argv[4] if len(sys.argv) > 4 else "full"
dmp = os.path.join(out, "qemu.dmp")
with PausedQemu(qemu, out, "qemudump-minidump", 4 << 20, "tcg,tb-size=16") as q:
    r = subprocess.run(
        [lldb, "-b", "-p", str(q.pid),
         "-o", "process save-core --plugin-name=minidump --style %s %s" % (style, dmp),
         "-o", "process detach"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
    print(r.stdout)
    q.quit()
if r.returncode != 0 or not os.path.exists(dmp):
    sys.exit(r.returncode or 1)
print("minidump: %d bytes" % os.path.getsize(dmp))
