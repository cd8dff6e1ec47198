#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Copy a QEMU core with a QOM type renamed: every NUL-terminated OLD in it
(the type's name, which QEMU keeps on its heap as TypeImpl.name) becomes NEW,
of the same length, so that the core holds an object of a type the plugin
does not know.

    rename-qom-type.py CORE OUT OLD NEW

Prints how many were renamed; exits 1 when none was.
"""
import mmap
import shutil
import subprocess
import sys


def main(core, out, old, new):
    if len(old) != len(new):
        sys.exit("rename-qom-type.py: OLD and NEW must be of one length")
    subprocess.run(["cp", "--sparse=always", core, out], check=True)
    old_b, new_b = old.encode() + b"\0", new.encode() + b"\0"
    count = 0
    with open(out, "r+b") as f, mmap.mmap(f.fileno(), 0) as m:
        at = m.find(old_b)
        while at >= 0:
            m[at:at + len(new_b)] = new_b
            count += 1
            at = m.find(old_b, at + len(old_b))
    print("renamed %d" % count)
    return 0 if count else 1


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
