#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Checks of qemudump's kdump files, for the lit tests.

    kdump-check.py header KDUMP            print the headers (raw layout)
    kdump-check.py same-but-time A B       A and B equal but for the time stamp
    kdump-check.py vmcoreinfo KDUMP ELF    the VMCOREINFO text the sub header
                                           points at is ELF's VMCOREINFO note's
    kdump-check.py smaller ELF KDUMP N     KDUMP at least N times smaller than
                                           ELF's apparent size
    kdump-check.py phys-base KDUMP REF     KDUMP's phys_base is NUMBER(phys_base)
                                           of REF's VMCOREINFO note (REF: QEMU's
                                           own dump of the same guest: the
                                           expectation comes from the same boot)
    kdump-check.py drgn KDUMP ELF          (python with drgn) drgn opens KDUMP;
                                           all guest memory equals ELF's; the
                                           VMCOREINFO it uses matches ELF's
    kdump-check.py partial KDUMP PART WHOLE
                                           KDUMP of a partial dump: its first
                                           bitmap has the pages of WHOLE's
                                           PT_LOADs (all of guest RAM), its
                                           second those of PART's (the
                                           partial ELF vmcore), the rest
                                           excluded
    kdump-check.py libkdumpfile KDUMP ELF  (python with libkdumpfile) it opens
                                           KDUMP (any word size); all guest
                                           memory equals ELF's

ELF is qemudump's ELF vmcore of the same guest: its PT_LOADs are the guest
RAM, its VMCOREINFO note the guest's.
"""
import os
import struct
import sys

PAGE_DESC = struct.Struct("<QIIQ")


def fail(msg):
    print("kdump-check: " + msg, file=sys.stderr)
    sys.exit(1)


def cstr(b):
    return b.split(b"\0")[0].decode("ascii", "replace")


def read_header(path):
    """The fields of a 64-bit little-endian kdump file (any block size)."""
    with open(path, "rb") as f:
        data = f.read(4096)
        if len(data) >= 432:
            bs, = struct.unpack_from("<i", data, 428)
            f.seek(0)
            data = f.read(max(4096, bs) + 4096)
        if data[:8] != b"KDUMP   ":
            fail("%s: no KDUMP signature: %r" % (path, data[:16]))
        h = {}
        (h["header_version"],) = struct.unpack_from("<i", data, 8)
        names = ["sysname", "nodename", "release", "version", "machine", "domainname"]
        h["utsname"] = {n: cstr(data[12 + i * 65:12 + (i + 1) * 65]) for i, n in enumerate(names)}
        (h["status"], h["block_size"], h["sub_hdr_size"], h["bitmap_blocks"],
         h["max_mapnr"], h["total_ram_blocks"], h["device_blocks"],
         h["written_blocks"], h["current_cpu"], h["nr_cpus"]) = struct.unpack_from("<IiiIIIIIIi", data, 424)
        bs = h["block_size"]
        sub = struct.unpack_from("<qiiQQQQQQQQQQQ", data, bs)
        keys = ["phys_base", "dump_level", "split", "start_pfn", "end_pfn",
                "offset_vmcoreinfo", "size_vmcoreinfo", "offset_note", "size_note",
                "offset_eraseinfo", "size_eraseinfo", "start_pfn_64", "end_pfn_64",
                "max_mapnr_64"]
        h.update(zip(keys, sub))
        f.seek(h["offset_vmcoreinfo"])
        h["vmcoreinfo"] = f.read(h["size_vmcoreinfo"])
        f.seek(h["offset_note"])
        h["notes"] = f.read(h["size_note"])
        half = h["bitmap_blocks"] // 2 * bs
        f.seek((1 + h["sub_hdr_size"]) * bs)
        h["bitmap1"] = f.read(half)
        h["bitmap2"] = f.read(half)
        h["desc_offset"] = (1 + h["sub_hdr_size"] + h["bitmap_blocks"]) * bs
        h["file_size"] = os.path.getsize(path)
    return h


def cmd_header(path):
    h = read_header(path)
    bs = h["block_size"]
    for k in ["header_version", "status", "block_size", "sub_hdr_size",
              "bitmap_blocks", "max_mapnr", "nr_cpus", "phys_base", "dump_level",
              "split", "size_vmcoreinfo", "size_note", "max_mapnr_64"]:
        print("%s: %d" % (k, h[k]))
    for k, v in h["utsname"].items():
        print("utsname.%s: %s" % (k, v))
    # The VMCOREINFO text is the descriptor of the VMCOREINFO note, in place.
    vi = h["offset_vmcoreinfo"] - h["offset_note"]
    print("vmcoreinfo in notes: %s" % (0 < vi < h["size_note"]))
    print("notes after sub header: %s" % (h["offset_note"] == bs + 104))
    print("bitmaps equal: %s" % (h["bitmap1"] == h["bitmap2"]))
    pages = sum(bin(b).count("1") for b in h["bitmap2"])
    print("pages: %d" % pages)
    # Descriptors: every zero page at the one shared zero page right after the
    # descriptors; other pages in order after it, compressed only when smaller.
    with open(path, "rb") as f:
        f.seek(h["desc_offset"])
        descs = [PAGE_DESC.unpack(f.read(PAGE_DESC.size)) for _ in range(pages)]
        zero_off = h["desc_offset"] + pages * PAGE_DESC.size
        cursor = zero_off + bs
        counts = {"zero": 0, "compressed": 0, "plain": 0}
        for off, size, flags, page_flags in descs:
            if off == zero_off:
                if size != bs or flags != 0:
                    fail("zero page descriptor %r" % ((off, size, flags),))
                counts["zero"] += 1
                continue
            if off != cursor:
                fail("page data at %d, expected %d" % (off, cursor))
            if flags == 0:
                if size != bs:
                    fail("uncompressed page of %d bytes" % size)
                counts["plain"] += 1
            else:
                if flags != h["status"] or size >= bs:
                    fail("compressed page: size %d flags %#x" % (size, flags))
                counts["compressed"] += 1
            if page_flags:
                fail("page_flags %#x" % page_flags)
            cursor += size
        f.seek(zero_off)
        if f.read(bs) != bytes(bs):
            fail("the shared zero page is not zero")
    print("page data ends the file: %s" % (cursor == h["file_size"]))
    print("zero %(zero)d, compressed %(compressed)d, plain %(plain)d" % counts)


def cmd_same_but_time(a, b):
    da, db = open(a, "rb").read(), open(b, "rb").read()
    if len(da) != len(db):
        fail("sizes differ: %d, %d" % (len(da), len(db)))
    # struct timeval of the 64-bit disk_dump_header: [408, 424).
    if da[:408] != db[:408] or da[424:] != db[424:]:
        fail("%s and %s differ" % (a, b))
    print("same but the time stamp: %d bytes" % len(da))


def cmd_smaller(elf, kdump, n):
    e, k = os.stat(elf), os.stat(kdump)
    ratio = e.st_size / k.st_size
    print("ELF %d bytes (disk %d), kdump %d bytes (disk %d): %.1fx smaller "
          "than the ELF's apparent size, %.1fx than its disk use" % (
              e.st_size, e.st_blocks * 512, k.st_size, k.st_blocks * 512,
              ratio, e.st_blocks * 512 / (k.st_blocks * 512)))
    if ratio < float(n):
        fail("only %.1fx smaller, not %sx" % (ratio, n))
    print("at least %sx smaller" % n)


def cmd_libkdumpfile(kdump, elf):
    import kdumpfile
    loads, _ = elf_loads_and_vmcoreinfo(elf)
    k = kdumpfile.kdumpfile(kdump)
    a = k.attr
    print("libkdumpfile: %s, arch %s, pointer size %d, max_pfn %#x, release %s" % (
        a["file.format"], a["arch.name"], a["arch.ptr_size"], a["max_pfn"],
        a["linux.uts.release"]))
    total = 0
    chunk = 1 << 20
    with open(elf, "rb") as f:
        for paddr, off, size in loads:
            for pos in range(0, size, chunk):
                n = min(chunk, size - pos)
                f.seek(off + pos)
                if k.read(kdumpfile.KDUMP_MACHPHYSADDR, paddr + pos, n) != f.read(n):
                    fail("guest-physical %#x (%d bytes) differs" % (paddr + pos, n))
                total += n
    print("guest memory identical: %d bytes in %d ranges" % (total, len(loads)))


def cmd_vmcoreinfo(kdump, elf):
    text = read_header(kdump)["vmcoreinfo"].decode()
    if text != elf_loads_and_vmcoreinfo(elf)[1]:
        fail("the VMCOREINFO of %s is not that of %s" % (kdump, elf))
    print("VMCOREINFO identical: %d bytes, %s" % (len(text), text.splitlines()[0]))


def cmd_phys_base(kdump, ref):
    # KASLR: the guest kernel picks its physical load address anew at each
    # boot, so the value is never a constant of the test.
    got = read_header(kdump)["phys_base"]
    text = elf_loads_and_vmcoreinfo(ref)[1]
    if text is None:
        fail("%s has no VMCOREINFO note" % ref)
    info = dict(l.split("=", 1) for l in text.splitlines() if "=" in l)
    if "NUMBER(phys_base)" not in info:
        fail("%s: its VMCOREINFO has no NUMBER(phys_base)" % ref)
    want = int(info["NUMBER(phys_base)"], 10)
    print("phys_base %d, NUMBER(phys_base) of the reference %d" % (got, want))
    if got != want:
        fail("%s: phys_base %d is not the reference's %d" % (kdump, got, want))
    print("phys_base matches the reference's VMCOREINFO")


def elf_loads_and_vmcoreinfo(path):
    """PT_LOADs (paddr, offset, filesz) and the VMCOREINFO text of an ELF64
    vmcore of either byte order."""
    with open(path, "rb") as f:
        eh = f.read(64)
        o = ">" if eh[5] == 2 else "<"
        phoff, = struct.unpack_from(o + "Q", eh, 32)
        phentsize, phnum = struct.unpack_from(o + "HH", eh, 54)
        f.seek(phoff)
        loads, vmcoreinfo = [], None
        for _ in range(phnum):
            p_type, _, off, _, paddr, filesz, _, _ = struct.unpack(o + "IIQQQQQQ", f.read(phentsize))
            if p_type == 1:
                loads.append((paddr, off, filesz))
            elif p_type == 4:
                here = f.tell()
                f.seek(off)
                notes = f.read(filesz)
                f.seek(here)
                i = 0
                while i + 12 <= len(notes):
                    namesz, descsz, _ = struct.unpack_from(o + "III", notes, i)
                    name = notes[i + 12:i + 12 + namesz].rstrip(b"\0")
                    d = i + 12 + (namesz + 3) // 4 * 4
                    if name == b"VMCOREINFO":
                        vmcoreinfo = notes[d:d + descsz].decode()
                    i = d + (descsz + 3) // 4 * 4
    return loads, vmcoreinfo


def page_set(loads, bs):
    """The pages that hold a byte of loads (paddr, offset, size)."""
    pages = set()
    for paddr, _, size in loads:
        pages.update(range(paddr // bs, (paddr + size + bs - 1) // bs))
    return pages


def lacking_pages(whole, part, bs):
    """The pages with a byte of whole's RAM that part lacks."""
    held = sorted((p, p + n) for p, _, n in part)
    out = set()
    for paddr, _, size in whole:
        pos, end = paddr, paddr + size
        for s, e in held:
            if e <= pos or s >= end:
                continue
            if s > pos:
                out.update(range(pos // bs, (s + bs - 1) // bs))
            pos = max(pos, e)
        if pos < end:
            out.update(range(pos // bs, (end + bs - 1) // bs))
    return out


def bits(pages, nbytes):
    b = bytearray(nbytes)
    for pfn in pages:
        b[pfn // 8] |= 1 << (pfn % 8)
    return bytes(b)


def cmd_partial(kdump, part, whole):
    h = read_header(kdump)
    bs = h["block_size"]
    n = len(h["bitmap1"])
    whole_loads = elf_loads_and_vmcoreinfo(whole)[0]
    part_loads = elf_loads_and_vmcoreinfo(part)[0]
    ram = page_set(whole_loads, bs)
    # Dumped: the pages whose RAM the partial vmcore holds all of.
    held = ram - lacking_pages(whole_loads, part_loads, bs)
    if h["bitmap1"] != bits(ram, n):
        fail("the first bitmap is not the pages of %s" % whole)
    if h["bitmap2"] != bits(held, n):
        fail("the second bitmap is not the pages %s holds all of" % part)
    print("first bitmap: the %d pages of guest RAM" % len(ram))
    print("second bitmap: the %d pages of the partial ELF vmcore, %d excluded"
          % (len(held), len(ram) - len(held)))


def cmd_drgn(kdump, elf):
    import drgn
    loads, text = elf_loads_and_vmcoreinfo(elf)
    if text is None:
        fail("%s has no VMCOREINFO" % elf)
    info = dict(l.split("=", 1) for l in text.splitlines() if "=" in l)
    prog = drgn.Program()
    prog.set_core_dump(kdump)
    print("drgn %s: flags %s, %s" % (drgn.__version__, prog.flags, prog.platform.arch))
    if not prog.flags & drgn.ProgramFlags.IS_LINUX_KERNEL:
        fail("drgn did not find VMCOREINFO in %s" % kdump)
    # Guest memory: every byte of every PT_LOAD, read as physical addresses.
    total = 0
    chunk = 1 << 20
    with open(elf, "rb") as f:
        for paddr, off, size in loads:
            for pos in range(0, size, chunk):
                n = min(chunk, size - pos)
                f.seek(off + pos)
                want = f.read(n)
                got = prog.read(paddr + pos, n, True)
                if got != want:
                    fail("guest-physical %#x (%d bytes) differs" % (paddr + pos, n))
                total += n
    print("guest memory identical: %d bytes in %d ranges" % (total, len(loads)))
    # drgn translates kernel virtual addresses with what VMCOREINFO says
    # (swapper_pg_dir, the KASLR offset): the guest's init_uts_ns through it.
    if "SYMBOL(init_uts_ns)" not in info:
        print("no SYMBOL(init_uts_ns) in VMCOREINFO")
        return
    uts = prog.read(int(info["SYMBOL(init_uts_ns)"], 16) +
                    int(info.get("OFFSET(uts_namespace.name)", "0")), 6 * 65)
    fields = [cstr(uts[i * 65:(i + 1) * 65]) for i in range(6)]
    print("init_uts_ns via drgn: sysname %s, release %s, machine %s" %
          (fields[0], fields[2], fields[4]))
    print("OSRELEASE: %s" % info["OSRELEASE"])
    if fields[2] != info["OSRELEASE"]:
        fail("release %r is not VMCOREINFO's OSRELEASE %r" % (fields[2], info["OSRELEASE"]))
    print("release matches OSRELEASE")


def main():
    if len(sys.argv) < 2:
        fail(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    {"header": cmd_header, "same-but-time": cmd_same_but_time,
     "smaller": cmd_smaller, "phys-base": cmd_phys_base, "vmcoreinfo": cmd_vmcoreinfo,
     "libkdumpfile": cmd_libkdumpfile, "drgn": cmd_drgn,
     "partial": cmd_partial}[cmd](*args)


if __name__ == "__main__":
    main()
