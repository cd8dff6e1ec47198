"""interrupt-dump.py DIR LLDB ARGS...: Ctrl-C in the middle of a dump.

Runs LLDB ARGS... (a `qemu dump-guest-memory DIR/...` among them), waits for
the dump's temporary file to appear in DIR, then stops LLDB (SIGSTOP), sends
it SIGINT - what Ctrl-C sends - and lets it go on (SIGCONT): the dump cannot
finish between the file appearing and the interrupt. Prints LLDB's output
and its exit status."""
import os
import signal
import subprocess
import sys
import time

out_dir, cmd = sys.argv[1], sys.argv[2:]
proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT, text=True)
deadline = time.monotonic() + 120
seen = False
while time.monotonic() < deadline and proc.poll() is None:
    if any(".qemudump-" in n for n in os.listdir(out_dir)):
        os.kill(proc.pid, signal.SIGSTOP)
        os.kill(proc.pid, signal.SIGINT)
        os.kill(proc.pid, signal.SIGCONT)
        seen = True
        break
    time.sleep(0.0005)
output, _ = proc.communicate(timeout=120)
print(output)
print("temporary file seen: %s" % seen)
print("lldb exit status: %d" % proc.returncode)
