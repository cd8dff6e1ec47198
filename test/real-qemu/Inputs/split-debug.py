#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""split-debug.py QEMU OUT: QEMU as a distribution ships it.

OUT/bin/NAME is QEMU stripped of its debug info (objcopy --strip-debug:
the build-id stays, so a core of QEMU is a core of it), and
OUT/dbg/.build-id/XX/REST.debug the debug info alone (objcopy
--only-keep-debug), where a -dbgsym or -debuginfo package puts it under
/usr/lib/debug. Prints the build-id."""
import os
import re
import subprocess
import sys

qemu, out = sys.argv[1:3]
notes = subprocess.run(["readelf", "--notes", qemu], check=True, text=True,
                       stdout=subprocess.PIPE).stdout
m = re.search(r"Build ID: ([0-9a-f]{8,})", notes)
if not m:
    sys.exit("split-debug: %s has no GNU build-id" % qemu)
build_id = m.group(1)
os.makedirs(os.path.join(out, "bin"), exist_ok=True)
dbg = os.path.join(out, "dbg", ".build-id", build_id[:2])
os.makedirs(dbg, exist_ok=True)
subprocess.run(["objcopy", "--only-keep-debug", qemu,
                os.path.join(dbg, build_id[2:] + ".debug")], check=True)
subprocess.run(["objcopy", "--strip-debug", qemu,
                os.path.join(out, "bin", os.path.basename(qemu))], check=True)
print(build_id)
