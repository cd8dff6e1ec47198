# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""gcore-qemu.py QEMU CORE: a core of a paused QEMU (-S), taken with gdb's
gcore while it waits, then QEMU is killed."""
import os
import subprocess
import sys
import time

qemu, core = sys.argv[1:3]
proc = subprocess.Popen(
    [qemu, "-S", "-machine", "pc", "-m", "64M", "-nic", "none", "-display", "none",
     "-L", "/usr/share/seabios", "-L", "/usr/share/qemu", "-monitor", "none",
     "-serial", "none", "-parallel", "none"],
    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    time.sleep(1)
    if proc.poll() is not None:
        sys.exit("gcore-qemu: %s exited with %d" % (qemu, proc.returncode))
    subprocess.run(["gdb", "-batch", "-nx", "-p", str(proc.pid), "-ex",
                    "gcore " + core], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=120)
    if not os.path.exists(core):
        sys.exit("gcore-qemu: gdb wrote no core")
finally:
    proc.kill()
    proc.wait()
