#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""The kernel log of an x86_64 Linux guest (5.10 or later: the lockless
printk ring buffer), read from an ELF vmcore with its VMCOREINFO note alone:
no vmlinux, and none of the guest's page tables or mem_section (which Linux
allocates at the top of RAM, what a cut core loses first).

    printk-log.py log VMCORE    the log, one record a line ("[seconds] text")
    printk-log.py end VMCORE    the guest-physical end (hex) of everything
                                the log is read from: a core cut above it
                                keeps the log

The ring buffer, its descriptors and its text are the kernel image's own
(printk_rb_static, __log_buf) unless the guest booted with log_buf_len=;
their kernel-image addresses are translated with NUMBER(phys_base). Fails
(status 1) when a byte it needs is not in the vmcore.
"""
import struct
import sys

START_KERNEL_MAP = 0xffffffff80000000


def fail(msg):
    print("printk-log: " + msg, file=sys.stderr)
    sys.exit(1)


class Vmcore:
    def __init__(self, path):
        self.f = open(path, "rb")
        eh = self.f.read(64)
        if eh[:4] != b"\x7fELF" or eh[4] != 2 or eh[5] != 1:
            fail("%s is not a 64-bit little-endian ELF vmcore" % path)
        phoff, = struct.unpack_from("<Q", eh, 32)
        phentsize, phnum = struct.unpack_from("<HH", eh, 54)
        self.loads, self.info = [], {}
        for i in range(phnum):
            self.f.seek(phoff + i * phentsize)
            p_type, _, off, _, paddr, filesz, _, _ = struct.unpack(
                "<IIQQQQQQ", self.f.read(56))
            if p_type == 1:
                self.loads.append((paddr, off, filesz))
            elif p_type == 4:
                self.f.seek(off)
                self.notes(self.f.read(filesz))
        if "SYMBOL(prb)" not in self.info:
            fail("%s has no VMCOREINFO with SYMBOL(prb) (Linux 5.10 or later)" % path)
        self.phys_base = int(self.info.get("NUMBER(phys_base)", "0"))
        self.top = 0  # the highest guest-physical byte read, plus one

    def notes(self, data):
        i = 0
        while i + 12 <= len(data):
            namesz, descsz, _ = struct.unpack_from("<III", data, i)
            name = data[i + 12:i + 12 + namesz].rstrip(b"\0")
            d = i + 12 + (namesz + 3) // 4 * 4
            if name == b"VMCOREINFO":
                text = data[d:d + descsz].decode("ascii", "replace")
                self.info = dict(l.split("=", 1) for l in text.splitlines() if "=" in l)
            i = d + (descsz + 3) // 4 * 4

    def num(self, key):
        if key not in self.info:
            fail("VMCOREINFO has no %s" % key)
        return int(self.info[key], 16 if key.startswith("SYMBOL(") else 10)

    def read(self, vaddr, n):
        if vaddr < START_KERNEL_MAP:
            fail("%#x is not in the kernel image (a log buffer of "
                 "log_buf_len=?); only kernel-image addresses are read" % vaddr)
        paddr = vaddr - START_KERNEL_MAP + self.phys_base
        for start, off, size in self.loads:
            if start <= paddr and paddr + n <= start + size:
                self.f.seek(off + paddr - start)
                self.top = max(self.top, paddr + n)
                return self.f.read(n)
        fail("guest-physical [%#x, %#x) is not in the vmcore" % (paddr, paddr + n))

    def u(self, vaddr, size):
        return int.from_bytes(self.read(vaddr, size), "little")


def records(v):
    o = v.num
    prb = v.u(o("SYMBOL(prb)"), 8)
    desc_ring = prb + o("OFFSET(printk_ringbuffer.desc_ring)")
    data_ring = prb + o("OFFSET(printk_ringbuffer.text_data_ring)")
    counter = int(v.info.get("OFFSET(atomic_long_t.counter)", "0"))
    count_bits = v.u(desc_ring + o("OFFSET(prb_desc_ring.count_bits)"), 4)
    descs = v.u(desc_ring + o("OFFSET(prb_desc_ring.descs)"), 8)
    infos = v.u(desc_ring + o("OFFSET(prb_desc_ring.infos)"), 8)
    head = v.u(desc_ring + o("OFFSET(prb_desc_ring.head_id)") + counter, 8)
    tail = v.u(desc_ring + o("OFFSET(prb_desc_ring.tail_id)") + counter, 8)
    size_bits = v.u(data_ring + o("OFFSET(prb_data_ring.size_bits)"), 4)
    data = v.u(data_ring + o("OFFSET(prb_data_ring.data)"), 8)
    data_size = 1 << size_bits
    id_mask = (1 << 62) - 1
    committed, finalized = 1, 2
    ident = tail
    while True:
        idx = ident % (1 << count_bits)
        desc = descs + idx * o("SIZE(prb_desc)")
        state_var = v.u(desc + o("OFFSET(prb_desc.state_var)") + counter, 8)
        state = state_var >> 62
        if state in (committed, finalized) and state_var & id_mask == ident:
            lpos = desc + o("OFFSET(prb_desc.text_blk_lpos)")
            begin = v.u(lpos + o("OFFSET(prb_data_blk_lpos.begin)"), 8)
            nxt = v.u(lpos + o("OFFSET(prb_data_blk_lpos.next)"), 8)
            info = infos + idx * o("SIZE(printk_info)")
            text_len = v.u(info + o("OFFSET(printk_info.text_len)"), 2)
            ts = v.u(info + o("OFFSET(printk_info.ts_nsec)"), 8)
            if not begin & 1:  # not data-less
                b, n = begin % data_size, nxt % data_size
                if b > n:  # wrapped: the text is at the start
                    b = 0
                text = v.read(data + b + 8, text_len)
                yield ts, text.decode("utf-8", "replace")
        if ident == head:
            break
        ident = (ident + 1) & id_mask


def line(ts, text):
    """As makedumpfile --dump-dmesg prints a record: the time stamp, the
    text's other lines indented under the first, other control characters
    escaped."""
    prefix = "[%5d.%06d] " % (ts // 10**9, ts % 10**9 // 1000)
    out = ""
    for c in text:
        if c == "\n":
            out += "\n" + " " * len(prefix)
        elif c.isprintable() or c == "\t":
            out += c
        else:
            out += "\\x%02x" % ord(c)
    return prefix + out


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("log", "end"):
        fail(__doc__)
    v = Vmcore(sys.argv[2])
    lines = [line(ts, text) for ts, text in records(v)]
    if not lines:
        fail("the ring buffer holds no record")
    if sys.argv[1] == "end":
        print("%x" % v.top)
    else:
        print("\n".join(lines))


if __name__ == "__main__":
    main()
