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
    cut-core.py CORE OUT in-first-ram MAP
    cut-core.py CORE OUT in-last-ram MAP
        OUT: CORE cut in the middle of the RAM range it stores first (last)
    cut-core.py CORE OUT before-ram MAP
        OUT: CORE up to the first byte of guest RAM it stores: QEMU's own
        structures (its heap, below its RAM mappings) are kept, no RAM
    cut-core.py CORE OUT after-log MAP REF
        OUT: CORE cut 2 MiB above all that the guest kernel's log is read
        from (printk-log.py end on REF, QEMU's own dump of the same guest),
        rounded up to 2 MiB, and below the end of that RAM range
    cut-core.py CORE OUT at-bytes N
        OUT: the first N bytes of CORE (a size limit's cut)
    cut-core.py CORE missing MAP CUT
        the guest-physical ranges of MAP's RAM that CUT (CORE cut short)
        lacks, adjacent ones joined, as `vmcore-tool subset` lists them:
        "absent: [0x..., 0x...)"

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


def ram_rows(map_path):
    """The RAM ranges of the memory-map table: (start, end, host)."""
    row = re.compile(r"^([0-9a-f]{16}) ([0-9a-f]{16}) ([0-9a-f]{16}) (added|joined)")
    for line in open(map_path):
        m = row.match(line)
        if m:
            yield tuple(int(m.group(i), 16) for i in (1, 2, 3))


def stored(path, map_path):
    """Each stored piece of RAM: (file offset, guest start, guest end)."""
    out = []
    segs = loads(path)
    for start, end, host in ram_rows(map_path):
        for vaddr, off, filesz, _ in segs:
            lo, hi = max(host, vaddr), min(host + end - start, vaddr + filesz)
            if lo < hi:
                out.append((off + lo - vaddr, start + lo - host, start + hi - host))
    if not out:
        sys.exit("cut-core: %s stores none of the RAM of %s" % (path, map_path))
    return sorted(out)


def middle_of(path, map_path, which):
    _, start, end = stored(path, map_path)[which]
    return file_offset(path, host_address(map_path, (start + (end - start) // 2) & ~0xfff))


def after_log(path, map_path, ref):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import importlib
    printk = importlib.import_module("printk-log")
    v = printk.Vmcore(ref)
    for _ in printk.records(v):
        pass
    mib2 = 2 << 20
    guest = (v.top + mib2 - 1) // mib2 * mib2 + mib2
    for start, end, _ in ram_rows(map_path):
        if start <= v.top - 1 < end:
            guest = min(guest, end - 0x1000)
    print("the log is read from below guest-physical %#x; cut at %#x" % (v.top, guest))
    return file_offset(path, host_address(map_path, guest))


def missing(path, map_path, cut):
    size = os.path.getsize(cut)
    lost = []
    segs = loads(path)
    for start, end, host in ram_rows(map_path):
        for vaddr, off, filesz, _ in segs:
            lo, hi = max(host, vaddr), min(host + end - start, vaddr + filesz)
            lo = max(lo, vaddr + max(0, size - off))
            if lo < hi:
                lost.append([start + lo - host, start + hi - host])
    lost.sort()
    joined = []
    for r in lost:
        if joined and joined[-1][1] == r[0]:
            joined[-1][1] = r[1]
        else:
            joined.append(r)
    for s, e in joined:
        print("absent: [%#x, %#x)" % (s, e))


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
    elif len(args) == 4 and args[2] == "at-bytes":
        end = int(args[3], 0)
    elif len(args) == 4 and args[2] == "in-first-ram":
        end = middle_of(args[0], args[3], 0)
    elif len(args) == 4 and args[2] == "in-last-ram":
        end = middle_of(args[0], args[3], -1)
    elif len(args) == 4 and args[2] == "before-ram":
        end = stored(args[0], args[3])[0][0]
    elif len(args) == 5 and args[2] == "after-log":
        end = after_log(args[0], args[3], args[4])
    elif len(args) == 4 and args[1] == "missing":
        return missing(args[0], args[2], args[3])
    else:
        sys.exit(__doc__)
    # A sparse copy (the core's holes stay holes), then cut.
    subprocess.run(["cp", "--sparse=always", args[0], args[1]], check=True)
    os.truncate(args[1], end)
    print("cut %s at %d bytes" % (args[0], end))


if __name__ == "__main__":
    main()
