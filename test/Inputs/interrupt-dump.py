# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""interrupt-dump.py [--signal NAME] DIR LLDB ARGS...: a dump stopped midway.

Runs LLDB ARGS... (a `qemu dump-guest-memory DIR/...` among them), waits for
the dump's file to be open in DIR (an unnamed O_TMPFILE file, which
/proc/PID/fd shows as "DIR/#N (deleted)", or a named temporary file), then
stops LLDB (SIGSTOP), sends it the signal (default SIGINT, what Ctrl-C sends;
SIGKILL as when the terminal is closed or the OOM killer strikes) and lets
it go on (SIGCONT): the dump cannot finish between the file appearing and
the signal. Prints LLDB's output and its exit status."""
import os
import signal
import subprocess
import sys
import time

args = sys.argv[1:]
sig = signal.SIGINT
if args[0] == "--signal":
    sig = getattr(signal, args[1])
    args = args[2:]
out_dir, cmd = os.path.realpath(args[0]), args[1:]


def dump_file_open(pid):
    """Whether PID has a file open in out_dir that is not yet the vmcore."""
    try:
        fds = os.listdir("/proc/%d/fd" % pid)
    except OSError:
        return False
    for fd in fds:
        try:
            target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        if target.startswith(out_dir + "/") and (
                target.endswith(" (deleted)") or ".qemudump-" in target):
            return True
    return False


proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT, text=True)
deadline = time.monotonic() + 120
seen = False
while time.monotonic() < deadline and proc.poll() is None:
    if dump_file_open(proc.pid):
        os.kill(proc.pid, signal.SIGSTOP)
        os.kill(proc.pid, sig)
        os.kill(proc.pid, signal.SIGCONT)
        seen = True
        break
    time.sleep(0.0005)
output, _ = proc.communicate(timeout=120)
print(output)
print("temporary file seen: %s" % seen)
print("lldb exit status: %d" % proc.returncode)
