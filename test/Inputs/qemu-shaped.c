/* SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception */
/* qemu-shaped.c - a program with QEMU's memory-map globals, for cores that
 * the plugin reads like a QEMU core (physmem.c's role: it defines
 * address_space_memory). Guest RAM is filled with GuestPattern.h's
 * self-describing pattern; the program then aborts so that a core is taken
 * (test/make-test-core runs it under gdb and uses gcore).
 *
 * Arguments, KEY=VALUE words, all optional:
 *   vmcoreinfo=present|null|badformat|size0|oversized|outside|overrun|huge|
 *              inram|fake (no device; a note in guest RAM that proves
 *              itself, or one whose init_uts_ns has another release)
 *   dontdump=none|all|part      MADV_DONTDUMP on all pc.ram (as QEMU's
 *                               -machine dump-guest-core=off)
 *   corrupt=none|nr-huge|ranges-null|ranges-garbage|not-ascending|
 *           alias-cycle|host-null|host-unmapped|host-shift|start-shift|
 *           mr-garbage|ram-cleared|
 *           nr-allocated|cpu-cycle (x86 only)
 *   accel=tcg|kvm               (qemu-shaped-x86 only: kvm_allowed)
 *   endian=le|be                (qemu-shaped-arm only: SCTLR_EL1.EE)
 *   bigram=MIB                  one more RAM block of MIB MiB at 8 GiB, all
 *                               data (for tests that need a long dump)
 *   wholespace=yes              one more MMIO range, at 16 GiB, of a region
 *                               2^64 bytes long (QEMU's UINT64_MAX size)
 *
 * Guest-physical layout (4 KiB pages):
 *   [0, a0000)               pc.ram at offset 0          RAM
 *   [a0000, c0000)           vga-lowmem                  MMIO, not RAM
 *   [c0000, e0000)           pc.rom                      ROM: dumped
 *   [e0000, 100000)          pc.ram at offset e0000      RAM
 *   [100000, 800000)         pc.ram at offset 100000     joins the previous
 *   [fd000000, fd100000)     vfio-bar                    ram_device: skipped
 *   [100000000, 100200000)   dimm-alias -> dimm-alias2 -> dimm0 (+0x2000)
 *   [180000000, 180100000)   pmem                        nonvolatile: skipped
 */
#include "qemu-shaped.h"
#include "GuestPattern.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

AddressSpace address_space_memory;
MachineState *current_machine;

#ifdef QEMUDUMP_ARM_CPUS
CPUTailQ cpus;

static void make_arm_cpu(bool big_endian) {
  ARMCPU *c = calloc(1, sizeof(*c));
  c->env.cp15.sctlr_el[1] = 0x30d00800 | (big_endian ? 1u << 25 : 0);
  cpus.tqh_first = &c->parent_obj;
}
#endif

#ifdef QEMUDUMP_X86_CPUS
CPUTailQ cpus;
bool kvm_allowed;
CCOp cc_op_type_anchor; /* keeps the CCOp enum in the debug info */

/* Two vCPUs in long mode with known registers; vCPU 1's flags lazily in
 * CC_OP_ADDB state (0xff + 0x01: CF ZF AF PF), vCPU 0's computed. */
static void make_cpus(bool kvm, bool cycle) {
  kvm_allowed = kvm;
  X86CPU *prev = NULL;
  for (int i = 0; i < 2; ++i) {
    X86CPU *c = calloc(1, sizeof(*c));
    c->parent_obj.cpu_index = i;
    for (int r = 0; r < 16; ++r)
      c->env.regs[r] = 0x1000 * (i + 1) + r;
    c->env.eip = 0xffffffff81000000ULL + i;
    c->env.hflags = 1u << 14; /* HF_LMA_MASK */
    c->env.df = 1;
    if (i == 0) {
      c->env.eflags = 0x246;
      c->env.cc_op = CC_OP_EFLAGS;
      c->env.cc_src = 0x44;
    } else {
      c->env.eflags = 0x202;
      c->env.cc_op = CC_OP_ADDB;
      c->env.cc_dst = 0x00;
      c->env.cc_src = 0xff;
    }
    for (int s = 0; s < 6; ++s) {
      c->env.segs[s].selector = 0x10 + 8 * s;
      c->env.segs[s].base = 0x100000ULL * s;
      c->env.segs[s].limit = 0xffffffff;
      c->env.segs[s].flags = 0xa09b00;
    }
    c->env.cr[0] = 0x80050033;
    c->env.cr[3] = 0x1234000;
    c->env.cr[4] = 0x3406f0;
    c->env.kernelgsbase = 0xffff888000000000ULL + i;
    if (prev)
      prev->parent_obj.node.tqe_next = &c->parent_obj;
    else
      cpus.tqh_first = &c->parent_obj;
    prev = c;
  }
  if (cycle) /* the last vCPU's next is the first again */
    prev->parent_obj.node.tqe_next = cpus.tqh_first;
}
#endif

static const char *arg(int argc, char **argv, const char *key,
                       const char *def) {
  size_t n = strlen(key);
  for (int i = 1; i < argc; ++i)
    if (strncmp(argv[i], key, n) == 0 && argv[i][n] == '=')
      return argv[i] + n + 1;
  return def;
}

static void *map(size_t size) {
  void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    perror("mmap");
    exit(1);
  }
  /* What no flat range shows must never reach the vmcore. */
  memset(p, 0xEE, size);
  return p;
}

static MemoryRegion *region(const char *name, bool ram, RAMBlock *block) {
  MemoryRegion *mr = calloc(1, sizeof(*mr));
  mr->name = strdup(name); /* heap, as QEMU's g_strdup */
  mr->ram = ram;
  mr->ram_block = block;
  mr->enabled = true;
  return mr;
}

static RAMBlock *ram_block(const char *id, size_t size) {
  RAMBlock *b = calloc(1, sizeof(*b));
  b->host = map(size);
  b->used_length = b->max_length = size;
  snprintf(b->idstr, sizeof(b->idstr), "%s", id);
  return b;
}

static MemoryRegion *alias(const char *name, MemoryRegion *target,
                           hwaddr offset) {
  MemoryRegion *mr = region(name, target->ram, NULL);
  mr->alias = target;
  mr->alias_offset = offset;
  return mr;
}

/* The host address QEMU computes for a flat range (memory_region_get_ram_ptr
 * + offset_in_region). */
static uint8_t *host_of(const struct TestRange *r) {
  hwaddr offset = r->offset_in_region;
  MemoryRegion *mr = r->mr;
  while (mr->alias) {
    offset += mr->alias_offset;
    mr = mr->alias;
  }
  return mr->ram_block->host + offset;
}

static void write_vmcoreinfo_note(uint8_t *at, uint32_t descsz_override,
                                  const char *text) {
  static const char name[] = "VMCOREINFO";
  static const char plain[] = "OSRELEASE=6.1.0-qemudump-test\n"
                              "PAGESIZE=4096\n"
                              "SYMBOL(swapper_pg_dir)=ffffffff8260a000\n"
                              "NUMBER(phys_base)=-715128832\n";
  if (!text)
    text = plain;
  uint32_t hdr[3] = {sizeof(name), (uint32_t)strlen(text), 0};
  if (descsz_override)
    hdr[1] = descsz_override;
  memset(at, 0, 0x1024);
  memcpy(at, hdr, sizeof(hdr));
  memcpy(at + 12, name, sizeof(name));
  memcpy(at + 12 + 12, text, strlen(text));
}

/* A note whose SYMBOL(init_uts_ns) leads, through its phys_base
 * (-0x2aa00000), to guest-physical 0x7c00 (0xffffffffaaa07c00 -
 * __START_KERNEL_map + phys_base), where a utsname of release RELEASE is
 * planted: it proves itself when RELEASE is its OSRELEASE. */
static const char linux_text[] = "OSRELEASE=6.1.0-qemudump-test\n"
                                 "PAGESIZE=4096\n"
                                 "SYMBOL(init_uts_ns)=ffffffffaaa07c00\n"
                                 "OFFSET(uts_namespace.name)=0\n"
                                 "NUMBER(phys_base)=-715128832\n";
static void plant_utsname(uint8_t *page7, const char *release) {
  const char *fields[6] = {"Linux",   "qemu-shaped", release,
                           "#1 test", "x86_64",      "(none)"};
  for (int i = 0; i < 6; ++i)
    strcpy((char *)page7 + 0xc00 + i * 65, fields[i]);
}

static void vmcoreinfo_realize(DeviceState *dev) {
  /* As hw/misc/vmcoreinfo.c: the debugger's way to the device. */
  static VMCoreInfoState *volatile vmcoreinfo_state;
  vmcoreinfo_state = (VMCoreInfoState *)dev;
}

/* An object of QOM type \p type_name, as object_new() lays out its header. */
static void qom_init(Object *obj, const char *type_name) {
  TypeImpl *type = calloc(1, sizeof(*type));
  type->name = strdup(type_name); /* heap, as QEMU's g_strdup */
  obj->class = calloc(1, sizeof(ObjectClass));
  obj->class->type = type;
}

const char *object_get_typename(const Object *obj) {
  return obj->class->type->name;
}

/* The manager of a sparse region of \p size bytes: sparse=virtio-mem (1 MiB
 * blocks, blocks 0 and 2 of 4 plugged), sparse=rba (4 KiB pages, pages
 * 0-15 and 100-355 of 1024 shared) or sparse=NAME (an unknown type). */
static struct RamDiscardManager *discard_manager(RAMBlock *block,
                                                 const char *kind) {
  if (!strcmp(kind, "virtio-mem")) {
    VirtIOMEM *vm = calloc(1, sizeof(*vm));
    qom_init(&vm->parent_obj, "virtio-mem");
    vm->block_size = 0x100000;
    vm->bitmap_size = block->used_length / vm->block_size;
    vm->bitmap = calloc(1, sizeof(unsigned long));
    vm->bitmap[0] = 0x5; /* blocks 0 and 2 */
    vm->size = 2 * vm->block_size;
    vm->requested_size = vm->size;
    return (struct RamDiscardManager *)vm;
  }
  if (!strcmp(kind, "rba")) {
    RamBlockAttributes *attr = calloc(1, sizeof(*attr));
    qom_init(&attr->parent, "ram-block-attributes");
    attr->ram_block = block;
    attr->bitmap_size = block->used_length / 4096;
    attr->bitmap = calloc(attr->bitmap_size / 64, sizeof(unsigned long));
    for (unsigned bit = 0; bit < attr->bitmap_size; ++bit)
      if (bit < 16 || (bit >= 100 && bit < 356))
        attr->bitmap[bit / 64] |= 1UL << (bit % 64);
    return (struct RamDiscardManager *)attr;
  }
  Object *other = calloc(1, 256);
  qom_init(other, kind);
  return (struct RamDiscardManager *)other;
}

int main(int argc, char **argv) {
  const char *vmci = arg(argc, argv, "vmcoreinfo", "present");
  const char *dontdump = arg(argc, argv, "dontdump", "none");
  const char *corrupt = arg(argc, argv, "corrupt", "none");
#ifdef QEMUDUMP_X86_CPUS
  make_cpus(!strcmp(arg(argc, argv, "accel", "tcg"), "kvm"),
            !strcmp(corrupt, "cpu-cycle"));
#endif
#ifdef QEMUDUMP_ARM_CPUS
  make_arm_cpu(!strcmp(arg(argc, argv, "endian", "le"), "be"));
#endif

  RAMBlock *ram = ram_block("pc.ram", 0x800000);
  RAMBlock *rom = ram_block("pc.rom", 0x20000);
  RAMBlock *bar = ram_block("vfio-bar", 0x100000);
  RAMBlock *pmem = ram_block("pmem", 0x100000);
  RAMBlock *dimm = ram_block("dimm0", 0x202000);

  MemoryRegion *pc_ram = region("pc.ram", true, ram);
  MemoryRegion *pc_rom = region("pc.rom", true, rom);
  MemoryRegion *vga = region("vga-lowmem", false, NULL);
  MemoryRegion *vfio = region("vfio-bar", true, bar);
  vfio->ram_device = true;
  MemoryRegion *nv = region("pmem", true, pmem);
  nv->nonvolatile = true;
  MemoryRegion *dimm0 = region("dimm0", true, dimm);
  MemoryRegion *dimm_alias2 = alias("dimm-alias2", dimm0, 0x1000);
  MemoryRegion *dimm_alias = alias("dimm-alias", dimm_alias2, 0x1000);

  struct TestRange ranges[] = {
      {pc_ram, 0, 0, 0xa0000},
      {vga, 0, 0xa0000, 0x20000},
      {pc_rom, 0, 0xc0000, 0x20000},
      {pc_ram, 0xe0000, 0xe0000, 0x20000},
      {pc_ram, 0x100000, 0x100000, 0x700000},
      {vfio, 0, 0xfd000000, 0x100000},
      {dimm_alias, 0, 0x100000000, 0x200000},
      {nv, 0, 0x180000000, 0x100000},
  };
  unsigned nr = sizeof(ranges) / sizeof(ranges[0]);
  struct TestRange all[sizeof(ranges) / sizeof(ranges[0]) + 3];
  memcpy(all, ranges, sizeof(ranges));
  uint64_t big = strtoull(arg(argc, argv, "bigram", "0"), NULL, 0) << 20;
  if (big) {
    all[nr].mr = region("bigram", true, ram_block("bigram", big));
    all[nr].offset_in_region = 0;
    all[nr].start = 0x200000000ULL;
    all[nr].size = big;
    ++nr;
  }
  const char *sparse = arg(argc, argv, "sparse", "none");
  if (strcmp(sparse, "none") != 0) {
    RAMBlock *block = ram_block("sparse0", 0x400000);
    all[nr].mr = region("sparse0", true, block);
    all[nr].mr->size = int128_make64(0x400000);
    all[nr].mr->rdm = discard_manager(block, sparse);
    all[nr].offset_in_region = 0;
    all[nr].start = 0x300000000ULL;
    all[nr].size = 0x400000;
    ++nr;
  }
  /* wholespace=yes: an MMIO range of a region made with size UINT64_MAX,
   * which QEMU keeps as 2^64 (int128_2_64()): a container of a whole
   * address space, as aarch64's "virt" board has in its flat view. */
  MemoryRegion *whole = NULL;
  if (!strcmp(arg(argc, argv, "wholespace", "no"), "yes")) {
    whole = region("whole-space", false, NULL);
    all[nr].mr = whole;
    all[nr].offset_in_region = 0x400000000ULL;
    all[nr].start = 0x400000000ULL;
    all[nr].size = 0x1000;
    ++nr;
  }

  for (unsigned i = 0; i < nr; ++i) {
    struct TestRange *r = &all[i];
    if (!r->mr->ram || r->mr->ram_device || r->mr->nonvolatile)
      continue;
    uint8_t *host = host_of(r);
    for (uint64_t off = 0; off < r->size; off += GUEST_PATTERN_PAGE)
      guest_pattern_fill(host + off, r->start + off);
  }

  /* The guest's VMCOREINFO note, at guest-physical 0x7000 in pc.ram. */
  DeviceState *dev = calloc(1, sizeof(VMCoreInfoState));
  qom_init(&dev->parent_obj, "vmcoreinfo");
  VMCoreInfoState *s = (VMCoreInfoState *)dev;
  uint8_t *note = ram->host + 0x7000;
  s->has_vmcoreinfo = true;
  s->vmcoreinfo.host_format = 1;
  s->vmcoreinfo.guest_format = 1;
  s->vmcoreinfo.size = 0x1024;
  s->vmcoreinfo.paddr = 0x7000;
  write_vmcoreinfo_note(note, 0, NULL);
  if (!strcmp(vmci, "inram") || !strcmp(vmci, "fake")) {
    /* No device, as most VMs run; the note only in guest RAM. */
    write_vmcoreinfo_note(note, 0, linux_text);
    plant_utsname(note, !strcmp(vmci, "inram") ? "6.1.0-qemudump-test"
                                               : "5.10.0-other");
  }
  if (!strcmp(vmci, "badformat"))
    s->vmcoreinfo.guest_format = 0;
  else if (!strcmp(vmci, "size0"))
    s->vmcoreinfo.size = 0;
  else if (!strcmp(vmci, "oversized"))
    s->vmcoreinfo.size = 0x200000;
  else if (!strcmp(vmci, "outside"))
    s->vmcoreinfo.paddr = 0x90000000;
  else if (!strcmp(vmci, "overrun"))
    write_vmcoreinfo_note(note, 0x2000, NULL);
  else if (!strcmp(vmci, "huge"))
    write_vmcoreinfo_note(note, 0x7fffffff, NULL);
  if (strcmp(vmci, "null") != 0 && strcmp(vmci, "inram") != 0 &&
      strcmp(vmci, "fake") != 0)
    vmcoreinfo_realize(dev);

  if (!strcmp(corrupt, "not-ascending")) {
    struct TestRange t = all[4];
    all[4] = all[2];
    all[2] = t;
  } else if (!strcmp(corrupt, "alias-cycle")) {
    dimm_alias2->alias = dimm_alias;
  } else if (!strcmp(corrupt, "host-null")) {
    dimm->host = NULL;
  } else if (!strcmp(corrupt, "host-unmapped")) {
    dimm->host = (uint8_t *)0x7e0000000000ULL; /* page-aligned, unmapped */
  } else if (!strcmp(corrupt, "host-shift")) {
    dimm->host += 1; /* off by one: every byte of the dimm would shift */
  } else if (!strcmp(corrupt, "ram-cleared")) {
    pc_rom->ram = false; /* a RAMBlock, but `ram` lost */
  } else if (!strcmp(corrupt, "start-shift")) {
    all[4].start += 1; /* pc.ram above 1 MiB, one byte off */
  }
  address_space_memory.name = "memory";
  address_space_memory.current_map = build_flat_view(all, nr);
  if (whole)
    whole->size = int128_2_64(); /* after build_flat_view's cover() */
  if (!strcmp(corrupt, "nr-huge"))
    address_space_memory.current_map->nr = 0x7fffffff;
  else if (!strcmp(corrupt, "ranges-null"))
    address_space_memory.current_map->ranges = NULL;
  else if (!strcmp(corrupt, "ranges-garbage"))
    address_space_memory.current_map->ranges = (FlatRange *)0xdead0000;
  else if (!strcmp(corrupt, "mr-garbage"))
    /* A dangling FlatRange.mr finds zeros: ram = 0 (RAM silently gone, were
     * it not for the size check) and size 0. */
    set_range_mr(address_space_memory.current_map, 4,
                 calloc(1, sizeof(MemoryRegion)));
  else if (!strcmp(corrupt, "nr-allocated"))
    address_space_memory.current_map->nr_allocated =
        address_space_memory.current_map->nr - 1;

  current_machine = calloc(1, sizeof(*current_machine));
  current_machine->dump_guest_core = true;
  if (!strcmp(dontdump, "all")) {
    /* What QEMU does for -machine dump-guest-core=off. */
    current_machine->dump_guest_core = false;
    madvise(ram->host, 0x800000, MADV_DONTDUMP);
  } else if (!strcmp(dontdump, "part"))
    madvise(ram->host + 0x400000, 0x100000, MADV_DONTDUMP);

  abort();
}
