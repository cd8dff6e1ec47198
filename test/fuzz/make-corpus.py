#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Writes the seed corpora of the fuzz targets: corpus/NAME/ for each
fuzz-NAME.cpp. Small, valid (and a few nearly valid) inputs in each target's
input format, so that the fuzzers start from the shapes the parsers meet.
It writes only its own files: others in corpus/NAME (inputs a fuzzer found,
kept as regression tests) stay. The output is committed; run this again
after changing it:

    test/fuzz/make-corpus.py
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

NT_PRSTATUS = 1
NT_FILE = 0x46494C45
NT_GNU_BUILD_ID = 3
PT_LOAD, PT_NOTE = 1, 4
ET_CORE, ET_DYN = 4, 3

VMCOREINFO = (
    b"OSRELEASE=6.1.0-28-amd64\n"
    b"BUILD-ID=0123456789abcdef0123456789abcdef01234567\n"
    b"PAGESIZE=4096\n"
    b"SYMBOL(init_uts_ns)=ffffffff82a13620\n"
    b"SYMBOL(swapper_pg_dir)=ffffffff82a0a000\n"
    b"OFFSET(list_head.next)=0\n"
    b"SIZE(page)=64\n"
    b"LENGTH(mem_section)=2048\n"
    b"NUMBER(phys_base)=0\n"
    b"KERNELOFFSET=0\n"
    b"CRASHTIME=1700000000\n")


def align4(n):
    return (n + 3) & ~3


def note(name, ntype, desc, le=True):
    e = "<" if le else ">"
    name = name + b"\0"
    return (struct.pack(e + "III", len(name), len(desc), ntype)
            + name.ljust(align4(len(name)), b"\0")
            + desc.ljust(align4(len(desc)), b"\0"))


def prstatus(pid, is64=True, le=True):
    # pr_info (12), pr_cursig (2) + padding (2), pr_sigpend and pr_sighold
    # (a word each), then pr_pid; the rest (registers) as zeros.
    e = "<" if le else ">"
    word = 8 if is64 else 4
    head = struct.pack(e + "iiih2x", 6, 0, 0, 6) + b"\0" * (2 * word)
    size = 336 if is64 else 144
    return (head + struct.pack(e + "iiii", pid, 1, pid, pid)).ljust(size, b"\0")


def nt_file(mappings, is64=True, le=True):
    # count, page size, count x {start, end, file offset in pages}, names.
    w = (("<" if le else ">") + ("Q" if is64 else "I"))
    out = struct.pack(w, len(mappings)) + struct.pack(w, 4096)
    for start, end, pgoff, _ in mappings:
        out += struct.pack(w, start) + struct.pack(w, end) + struct.pack(w, pgoff)
    for *_, path in mappings:
        out += path + b"\0"
    return out


def elf_header(is64, le, etype, phoff, phnum, shoff=0, shnum=0):
    e = "<" if le else ">"
    ident = (b"\x7fELF" + bytes([2 if is64 else 1, 1 if le else 2, 1, 0])
             + b"\0" * 8)
    machine = 62 if is64 else 3
    if is64:
        return ident + struct.pack(e + "HHIQQQIHHHHHH", etype, machine, 1, 0,
                                   phoff, shoff, 0, 64, 56, phnum, 64, shnum, 0)
    return ident + struct.pack(e + "HHIIIIIHHHHHH", etype, machine, 1, 0,
                               phoff, shoff, 0, 52, 32, phnum, 40, shnum, 0)


def phdr(is64, le, ptype, offset, vaddr, filesz, memsz, flags=6, align=4096):
    e = "<" if le else ">"
    if is64:
        return struct.pack(e + "IIQQQQQQ", ptype, flags, offset, vaddr, vaddr,
                           filesz, memsz, align)
    return struct.pack(e + "IIIIIIII", ptype, offset, vaddr, vaddr, filesz,
                       memsz, flags, align)


def shdr0(is64, le, info):
    # Section header 0 of a PN_XNUM file: sh_info holds the phdr count.
    e = "<" if le else ">"
    if is64:
        return struct.pack(e + "IIQQQQIIQQ", 0, 0, 0, 0, 0, 0, 0, info, 0, 0)
    return struct.pack(e + "IIIIIIIIII", 0, 0, 0, 0, 0, 0, 0, info, 0, 0)


def core(is64=True, le=True, xnum=False, zero_page=False):
    """A QEMU-like core: a PT_NOTE (NT_PRSTATUS, NT_FILE) and PT_LOADs: one
    wholly in the file, one with filesz < memsz (pages never written), one
    file-backed mapping with no bytes in the file and, with zero_page, one
    whose 4 KiB page in the file is all zeros (fuzz-corefile punches such
    pages into holes, as the kernel leaves for pages never populated)."""
    ehsize, phentsize = (64, 56) if is64 else (52, 32)
    vbase = 0x7f0000000000 if is64 else 0x40000000
    notes = (note(b"CORE", NT_PRSTATUS, prstatus(4242, is64, le), le)
             + note(b"CORE", NT_FILE,
                    nt_file([(vbase + 0x30000, vbase + 0x32000, 0,
                              b"/dev/shm/guest-ram")], is64, le), le))
    loads = [
        # vaddr, memsz, file bytes
        (vbase + 0x10000, 0x100, bytes(range(256))),
        (vbase + 0x20000, 0x3000, b"\x22" * 0x80),
        (vbase + 0x30000, 0x2000, b""),
    ]
    if zero_page:
        loads.append((vbase + 0x40000, 0x1000, b"\0" * 0x1000))
    phnum = 1 + len(loads)
    phoff = ehsize
    note_off = phoff + phnum * phentsize
    offset = (note_off + len(notes) + 15) & ~15
    phdrs = phdr(is64, le, PT_NOTE, note_off, 0, len(notes), len(notes), 4, 1)
    body = b""
    for vaddr, memsz, content in loads:
        if len(content) == 0x1000:  # a whole page of the file
            offset = (offset + 0xfff) & ~0xfff
        phdrs += phdr(is64, le, PT_LOAD, offset, vaddr, len(content), memsz)
        body = body.ljust(offset - note_off - len(notes), b"\0") + content
        offset += len(content)
    shoff = offset if xnum else 0
    ehdr = elf_header(is64, le, ET_CORE, phoff, 0xffff if xnum else phnum,
                      shoff, 1 if xnum else 0)
    out = ehdr + phdrs + notes + body
    assert len(out) == offset
    if xnum:
        out += shdr0(is64, le, phnum)
    return out


def image(is64=True, le=True, build_id=True):
    """The start of an ELF executable as mapped in memory: header, program
    headers (PT_LOAD of offset 0, PT_NOTE), the notes."""
    ehsize, phentsize = (64, 56) if is64 else (52, 32)
    vaddr = 0x400000
    phnum = 3
    note_off = ehsize + phnum * phentsize
    notes = note(b"GNU", 1, struct.pack("<IIII", 0, 3, 2, 0), le)  # ABI tag
    if build_id:
        notes += note(b"GNU", NT_GNU_BUILD_ID,
                      bytes.fromhex("0123456789abcdef0123456789abcdef01234567"),
                      le)
    size = note_off + len(notes)
    phdrs = (phdr(is64, le, PT_LOAD, 0, vaddr, size, size, 5)
             + phdr(is64, le, PT_NOTE, note_off, vaddr + note_off, len(notes),
                    len(notes), 4, 4)
             + phdr(is64, le, 0x6474e551, 0, 0, 0, 0, 6, 16))  # GNU_STACK
    return elf_header(is64, le, ET_DYN, ehsize, phnum) + phdrs + notes


def minidump(truncate=0, maps=False):
    """A minidump shaped like LLDB's: ModuleList (an ELF build-id),
    MemoryInfoList or LinuxMaps, MemoryList and Memory64List."""
    streams = []
    name = "/usr/bin/qemu-system-x86_64".encode("utf-16-le")
    base = 0x7f1200000000
    # The stream data are laid out after the header and a 5-entry directory.
    off = 32 + 5 * 12
    blob = b""

    def add(stype, data):
        nonlocal blob
        streams.append((stype, len(data), off + len(blob)))
        blob += data

    name_rva = off
    blob += struct.pack("<I", len(name)) + name
    cv_rva = off + len(blob)
    blob += struct.pack("<I", 0x4270454C) + bytes(range(20))
    module = struct.pack("<QIIII", 0x555555554000, 0x1000, 0, 0, name_rva)
    module += b"\0" * 52 + struct.pack("<II", 24, cv_rva) + b"\0" * 24
    add(4, struct.pack("<I", 1) + module)
    if maps:
        add(0x47670009, b"7f1200000000-7f1200003000 rw-p 00000000 00:00 0\n"
            b"7f1200003000-7f1200004000 ---p 00000000 00:00 0\n")
    else:
        info = struct.pack("<IIQ", 16, 48, 2)
        info += struct.pack("<QQIIQIIII", base, base, 4, 0, 0x3000, 0x1000, 4,
                            0x20000, 0)
        info += struct.pack("<QQIIQIIII", base + 0x3000, base + 0x3000, 1, 0,
                            0x1000, 0x10000, 1, 0, 0)
        add(16, info)
    stack_rva = off + len(blob) + 4 + 16
    add(5, struct.pack("<IQII", 1, base + 0x2f00, 0x100, stack_rva))
    blob += b"\x5a" * 0x100
    data_rva = off + len(blob) + 16 + 32
    add(9, struct.pack("<QQQQQQ", 2, data_rva, base, 0x1000, base + 0x1000,
                       0x2000))
    blob += b"\xab" * 0x3000
    head = struct.pack("<IIIIIIQ", 0x504D444D, 0xA793, len(streams), 32, 0, 0,
                       0)
    directory = b"".join(struct.pack("<III", *s) for s in streams)
    directory += b"\0" * (5 * 12 - len(directory))
    out = head + directory + blob
    return out[:len(out) - truncate]


def macho_core(swapped=False, truncate=0):
    """A 64-bit Mach-O core: two LC_SEGMENT_64, the second with vmsize
    beyond filesize (zero by the format)."""
    e = ">" if swapped else "<"
    ncmds, segsize = 2, 72
    data = 32 + ncmds * segsize
    out = struct.pack(e + "IiiIIIII", 0xFEEDFACF, 0x01000007, 3, 4, ncmds,
                      ncmds * segsize, 0, 0)
    for vaddr, vsize, foff, fsize in ((0x10000, 0x1000, data, 0x1000),
                                      (0x20000, 0x4000, data + 0x1000, 0x1000)):
        out += struct.pack(e + "II16sQQQQiiII", 0x19, segsize, b"", vaddr,
                           vsize, foff, fsize, 3, 3, 0, 0)
    out += b"\xcd" * 0x2000
    return out[:len(out) - truncate]


def ops(*items):
    """fuzz-memorymap input: opcode (0 addRange, 1 clip, 2 hostAddressOf)
    and three 64-bit operands each."""
    out = b""
    for op, *args in items:
        args = list(args) + [0] * (3 - len(args))
        out += bytes([op]) + struct.pack("<QQQ", *args)
    return out


def corpora():
    vmci_le = note(b"VMCOREINFO", 0, VMCOREINFO, True)
    vmci_be = note(b"VMCOREINFO", 0, VMCOREINFO, False)
    yield "notes", "vmcoreinfo-le", b"\0" + vmci_le
    yield "notes", "vmcoreinfo-be", b"\1" + vmci_be
    # The guest's buffer is larger than its note (QEMU reads what the guest
    # announced): the note, then zeros.
    yield "notes", "vmcoreinfo-le-padded", b"\0" + vmci_le + b"\0" * 64
    yield "notes", "segment-le", b"\0" + (
        note(b"CORE", NT_PRSTATUS, prstatus(1)) + note(b"QEMU", 0, b"\0" * 440)
        + vmci_le)
    yield "notes", "segment-be", b"\1" + (
        note(b"CORE", NT_PRSTATUS, prstatus(1, le=False), False) + vmci_be)
    yield "notes", "placeholder", b"\0" + note(b"NONE", 0, b"EMPTY")
    yield "notes", "vmcoreinfo-text", b"\0" + VMCOREINFO

    for is64 in (True, False):
        for le in (True, False):
            name = f"core{64 if is64 else 32}{'le' if le else 'be'}"
            yield "corefile", name, core(is64, le)
    yield "corefile", "core64le-zero-page", core(zero_page=True)
    yield "corefile", "core64le-pn-xnum", core(True, True, xnum=True)
    full = core()
    yield "corefile", "core64le-truncated", full[:len(full) - 0x40]

    host = 0x7f1200000000
    yield "memorymap", "pc", ops(
        (0, 0, 0xa0000, host),
        (0, 0xc0000, 0x20000, host + 0xc0000),
        (0, 0x100000, 0x7ff00000, host + 0x100000),
        (0, 0x100000000, 0x80000000, host + 0x80000000),
        (1, 0x1000, 0x200000),
        (2, 0x100000, 0x1000),
        (2, 0x9f000, 0x2000))
    yield "memorymap", "joined", ops(
        (0, 0x0, 0x1000, host),
        (0, 0x1000, 0x1000, host + 0x1000),
        (0, 0x2000, 0x1000, host + 0x5000),
        (1, 0x800, 0x2000),
        (2, 0x1800, 0x800))
    yield "memorymap", "refused", ops(
        (0, 0x100000, 0x1000, host),
        (0, 0x1000, 0x1000, host),       # descends
        (0, 0x200000, 0, host),          # empty
        (0, 0xfffffffffffff000, 0x2000, host),  # wraps
        (0, 0x300000, 0x2000, 0xfffffffffffff000),  # host wraps
        (1, 0x0, 0),                     # empty range
        (1, 0x0, 0x1000),                # no RAM inside
        (1, 0xfffffffffffff000, 0x2000))  # wraps

    for is64 in (True, False):
        for le in (True, False):
            name = f"image{64 if is64 else 32}{'le' if le else 'be'}"
            yield "buildid", name, image(is64, le)
    yield "buildid", "image64le-no-build-id", image(build_id=False)

    # corelayout: the first byte picks the reader (0 minidump, 1 Mach-O).
    yield "corelayout", "minidump", b"\0" + minidump()
    yield "corelayout", "minidump-linux-maps", b"\0" + minidump(maps=True)
    yield "corelayout", "minidump-truncated", b"\0" + minidump(truncate=0x1800)
    yield "corelayout", "macho-core", b"\1" + macho_core()
    yield "corelayout", "macho-core-swapped", b"\1" + macho_core(swapped=True)
    yield "corelayout", "macho-core-truncated", b"\1" + macho_core(truncate=0x800)


def main():
    for target, name, data in corpora():
        d = os.path.join(HERE, "corpus", target)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
