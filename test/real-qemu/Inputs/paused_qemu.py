# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""A paused QEMU with known data and QMP's own dump of it, for the tests that
take QEMU's memory from a running process (live-qemu.py, minidump-qemu.py).

    with PausedQemu(qemu, out, seed, size, accel) as q:
        q.pid, q.qmp, q.reference      # QEMU's dump-guest-memory (paging off)

QEMU runs paused (-S), pc machine, 256 MiB, with SIZE random bytes (from
SEED) loaded at 2 MiB (written to OUT/blob.bin); on leaving, QEMU is killed
if it is still running, and its QMP socket's directory removed."""
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "utils"))
from qmp import QMP  # noqa: E402


class PausedQemu:
    def __init__(self, qemu, out, seed, size, accel="tcg"):
        os.makedirs(out, exist_ok=True)
        blob = os.path.join(out, "blob.bin")
        with open(blob, "wb") as f:
            f.write(random.Random(seed).randbytes(size))
        self.sockdir = tempfile.mkdtemp(prefix="qemudump-paused-")
        sock = os.path.join(self.sockdir, "qmp.sock")
        self.proc = subprocess.Popen(
            [qemu, "-machine", "pc", "-accel", accel, "-m", "256M", "-nic", "none",
             "-display", "none", "-L", "/usr/share/seabios", "-L", "/usr/share/qemu",
             "-device", "loader,file=%s,addr=0x200000,force-raw=on" % blob,
             "-qmp", "unix:%s,server=on,wait=off" % sock, "-S"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.pid = self.proc.pid
        try:
            for _ in range(300):
                if os.path.exists(sock):
                    break
                time.sleep(0.1)
            self.qmp = QMP.connect(sock, proc=self.proc)
            self.qmp.execute("stop")
            self.reference = os.path.join(out, "reference.vmcore")
            self.qmp.execute("dump-guest-memory",
                             {"paging": False, "protocol": "file:" + self.reference},
                             timeout=300)
        except BaseException:
            self.kill()
            raise

    def quit(self):
        """Quits QEMU over QMP and waits for it."""
        self.qmp.execute("quit")
        self.proc.wait(timeout=30)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.sockdir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()
