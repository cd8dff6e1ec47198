#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""other-build-id.py BINARY OUT: a copy of BINARY that is "another build".

OUT is BINARY with the last byte of its GNU build-id (the NT_GNU_BUILD_ID
note's descriptor, found through the ELF section headers) changed: to LLDB
and to qemudump it is a different build, while its code and debug info are
the same, so only the build-id check can tell the two apart."""
import shutil
import struct
import sys

src, out = sys.argv[1:3]
shutil.copyfile(src, out)
shutil.copymode(src, out)
with open(out, "r+b") as f:
    eh = f.read(64)
    if eh[:4] != b"\x7fELF" or eh[4] != 2 or eh[5] != 1:
        sys.exit("other-build-id: %s is not a 64-bit little-endian ELF file" % src)
    shoff, = struct.unpack_from("<Q", eh, 40)
    shentsize, shnum = struct.unpack_from("<HH", eh, 58)
    for i in range(shnum):
        f.seek(shoff + i * shentsize)
        sh = f.read(shentsize)
        sh_type, = struct.unpack_from("<I", sh, 4)
        off, size = struct.unpack_from("<QQ", sh, 24)
        if sh_type != 7:  # SHT_NOTE
            continue
        f.seek(off)
        note = f.read(size)
        pos = 0
        while pos + 12 <= len(note):
            namesz, descsz, ntype = struct.unpack_from("<III", note, pos)
            name_at = pos + 12
            desc_at = name_at + (namesz + 3) // 4 * 4
            if ntype == 3 and note[name_at:name_at + 4] == b"GNU\0" and descsz:
                last = off + desc_at + descsz - 1
                f.seek(last)
                b = f.read(1)[0]
                f.seek(last)
                f.write(bytes([b ^ 0xff]))
                print("build-id of %s changed at offset %#x" % (out, last))
                sys.exit(0)
            pos = desc_at + (descsz + 3) // 4 * 4
    sys.exit("other-build-id: %s has no GNU build-id note" % src)
