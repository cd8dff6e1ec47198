#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Cut a process core file (ELF, or a minidump) short at a point found in
the core itself.

    cut-core.py CORE OUT first-load
        OUT: CORE up to the end of the data of its first PT_LOAD that has any
        (the notes and the executable's first page are there; QEMU's .data,
        .bss and heap are not); ELF cores only
    cut-core.py CORE OUT at-guest MAP ADDR
        OUT: CORE up to where it stores guest-physical ADDR (hex), found
        through MAP (the output of `qemu guest-memory-map` on CORE: the QEMU
        address of each RAM range) and CORE's own PT_LOADs (a minidump's:
        its Memory64List)

The point is always computed from CORE itself, never a fixed byte count or
fraction: a core's notes (threads, mapped files) and the order of its
mappings differ from build to build and machine to machine.
"""
import os
import re
import subprocess
import struct
import sys


def minidump_loads(f):
    """A minidump's Memory64List ranges, as (vaddr, offset, size, size)."""
    f.seek(0)
    _, _, nstreams, dir_rva = struct.unpack("<IIII", f.read(16))
    f.seek(dir_rva)
    for _ in range(nstreams):
        stype, _, rva = struct.unpack("<III", f.read(12))
        if stype == 9:  # Memory64List
            f.seek(rva)
            count, off = struct.unpack("<QQ", f.read(16))
            out = []
            for _ in range(count):
                start, size = struct.unpack("<QQ", f.read(16))
                out.append((start, off, size, size))
                off += size
            return out
    sys.exit("cut-core: the minidump has no Memory64List")


def loads(path):
    """The PT_LOADs (vaddr, offset, filesz, memsz) of a 64-bit LE core."""
    with open(path, "rb") as f:
        eh = f.read(64)
        if eh[:4] == b"MDMP":
            return minidump_loads(f)
        if eh[:4] != b"\x7fELF" or eh[4] != 2 or eh[5] != 1:
            sys.exit("cut-core: %s is not a 64-bit little-endian ELF file" % path)
        phoff, = struct.unpack_from("<Q", eh, 32)
        phentsize, phnum = struct.unpack_from("<HH", eh, 54)
        f.seek(phoff)
        out = []
        for _ in range(phnum):
            p_type, _, off, vaddr, _, filesz, memsz, _ = struct.unpack(
                "<IIQQQQQQ", f.read(phentsize))
            if p_type == 1:
                out.append((vaddr, off, filesz, memsz))
        return out


def first_load_end(path):
    for _, off, filesz, _ in loads(path):
        if filesz > 0:
            return off + filesz
    sys.exit("cut-core: %s has no PT_LOAD with data" % path)


def host_address(map_path, guest):
    """QEMU's address of guest-physical GUEST, from the memory-map table."""
    row = re.compile(r"^([0-9a-f]{16}) ([0-9a-f]{16}) ([0-9a-f]{16}) (added|joined)")
    for line in open(map_path):
        m = row.match(line)
        if m:
            start, end, host = (int(m.group(i), 16) for i in (1, 2, 3))
            if start <= guest < end:
                return host + guest - start
    sys.exit("cut-core: guest-physical %#x is in no RAM range of %s" % (guest, map_path))


def file_offset(path, host):
    for vaddr, off, filesz, _ in loads(path):
        if vaddr <= host < vaddr + filesz:
            return off + host - vaddr
    sys.exit("cut-core: QEMU address %#x is not stored in %s" % (host, path))


def main():
    args = sys.argv[1:]
    if len(args) == 3 and args[2] == "first-load":
        end = first_load_end(args[0])
    elif len(args) == 5 and args[2] == "at-guest":
        end = file_offset(args[0], host_address(args[3], int(args[4], 16)))
    else:
        sys.exit(__doc__)
    # A sparse copy (the core's holes stay holes), then cut.
    subprocess.run(["cp", "--sparse=always", args[0], args[1]], check=True)
    os.truncate(args[1], end)
    print("cut %s at %d bytes" % (args[0], end))


if __name__ == "__main__":
    main()
