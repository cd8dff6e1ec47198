// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/* qemu-shaped.h - QEMU's memory-map structures, as QEMU 7.2 lays them out
 * (include/exec/memory.h, include/exec/ramblock.h, hw/misc/vmcoreinfo.h),
 * for a test program whose core the plugin reads like a QEMU core.
 *
 * As in QEMU, FlatRange is only declared here; its definition lives in one
 * unit (qemu-shaped-memory.c), so most debug info sees it incomplete. */
#ifndef QEMU_SHAPED_H
#define QEMU_SHAPED_H

#include <stdbool.h>
#include <stdint.h>

typedef uint64_t hwaddr;

#ifdef QEMUDUMP_INT128_STRUCT
/* QEMU <= 2.7, TCI and 32-bit hosts: a struct (host-endian order since 6.2). */
typedef struct Int128 {
  uint64_t lo;
  int64_t hi;
} Int128;
static inline Int128 int128_make64(uint64_t v) {
  Int128 r = {v, 0};
  return r;
}
static inline Int128 int128_2_64(void) {
  Int128 r = {0, 1};
  return r;
}
#else
typedef __int128 Int128;
static inline Int128 int128_make64(uint64_t v) { return (Int128)v; }
static inline Int128 int128_2_64(void) { return (Int128)1 << 64; }
#endif

struct rcu_head {
  struct rcu_head *next;
  void (*func)(struct rcu_head *head);
};

/* QOM: an object's type name is Object.class->type->name (qom/object.c). */
typedef struct TypeImpl {
  const char *name;
  struct TypeImpl *parent_type;
  void *class;
} TypeImpl;

typedef struct ObjectClass {
  TypeImpl *type;
  void *interfaces;
} ObjectClass;

typedef struct Object {
  ObjectClass *class;
  void (*free)(void *obj);
  void *properties;
  uint32_t ref;
  struct Object *parent;
} Object;

typedef struct MemoryRegion MemoryRegion;

typedef struct RAMBlock {
  struct rcu_head rcu;
  MemoryRegion *mr;
  uint8_t *host;
  uint8_t *colo_cache;
  uint64_t offset;
  uint64_t used_length;
  uint64_t max_length;
  void (*resized)(const char *, uint64_t length, void *host);
  uint32_t flags;
  char idstr[256];
} RAMBlock;

struct MemoryRegion {
  Object parent_obj;
  bool romd_mode;
  bool ram;
  bool subpage;
  bool readonly;
  bool nonvolatile;
  bool rom_device;
  bool flush_coalesced_mmio;
  uint8_t dirty_log_mask;
  bool is_iommu;
  RAMBlock *ram_block;
  Object *owner;
  const void *ops;
  void *opaque;
  MemoryRegion *container;
  int mapped_via_alias;
  Int128 size;
  hwaddr addr;
  void (*destructor)(MemoryRegion *mr);
  uint64_t align;
  bool terminates;
  bool ram_device;
  bool enabled;
  bool warning_printed;
  uint8_t vga_logging_count;
  MemoryRegion *alias;
  hwaddr alias_offset;
  int32_t priority;
  const char *name;
  unsigned ioeventfd_nb;
  /* QEMU 6.2 and later: a sparse region's RamDiscardManager (an interface:
   * the object is a VirtIOMEM or, since 10.1, a RamBlockAttributes). */
  struct RamDiscardManager *rdm;
};

/* hw/virtio/virtio-mem.h: what the plugin reads of the device. */
typedef struct VirtIOMEM {
  Object parent_obj;
  char virtio_device[64]; /* the rest of VirtIODevice */
  void *memdev;
  uint64_t addr;
  uint64_t size; /* plugged */
  uint64_t requested_size;
  uint64_t block_size;
  uint32_t node;
  uint32_t bitmap_size;
  unsigned long *bitmap;
} VirtIOMEM;

/* system/ram-block-attributes.c (10.1): guest_memfd pages shared (set). */
typedef struct RamBlockAttributes {
  Object parent;
  RAMBlock *ram_block;
  unsigned bitmap_size;
  unsigned long *bitmap;
  struct {
    void *lh_first;
  } rdl_list;
} RamBlockAttributes;

typedef struct AddrRange {
  Int128 start;
  Int128 size;
} AddrRange;

typedef struct FlatRange FlatRange;

typedef struct FlatView {
  struct rcu_head rcu;
  unsigned ref;
  FlatRange *ranges;
  unsigned nr;
  unsigned nr_allocated;
  void *dispatch;
  MemoryRegion *root;
} FlatView;

typedef struct AddressSpace {
  struct rcu_head rcu;
  char *name;
  MemoryRegion *root;
  struct FlatView *current_map;
  int ioeventfd_nb;
  void *ioeventfds;
} AddressSpace;

typedef struct DeviceState {
  Object parent_obj;
  const char *id;
  char *canonical_path;
  bool realized;
} DeviceState;

typedef struct __attribute__((packed)) FWCfgVMCoreInfo {
  uint16_t host_format;  /* le16 */
  uint16_t guest_format; /* le16 */
  uint32_t size;         /* le32 */
  uint64_t paddr;        /* le64 */
} FWCfgVMCoreInfo;

typedef struct VMCoreInfoState {
  DeviceState parent_obj;
  bool has_vmcoreinfo;
  FWCfgVMCoreInfo vmcoreinfo;
} VMCoreInfoState;

typedef struct MachineState {
  DeviceState parent_obj;
  char *dtb;
  bool dump_guest_core;
  bool mem_merge;
} MachineState;

#ifdef QEMUDUMP_X86_CPUS
/* An x86 QEMU's vCPUs (include/hw/core/cpu.h, target/i386/cpu.h), enough
 * for the plugin's register notes: a 7.2-style CCOp (with CC_OP_CLR). */
typedef enum {
  CC_OP_DYNAMIC,
  CC_OP_EFLAGS,
  CC_OP_MULB,
  CC_OP_MULW,
  CC_OP_MULL,
  CC_OP_MULQ,
  CC_OP_ADDB,
  CC_OP_ADDW,
  CC_OP_ADDL,
  CC_OP_ADDQ,
  CC_OP_CLR,
  CC_OP_NB,
} CCOp;

typedef struct SegmentCache {
  uint32_t selector;
  uint64_t base;
  uint32_t limit;
  uint32_t flags;
} SegmentCache;

typedef struct CPUX86State {
  uint64_t regs[16];
  uint64_t eip;
  uint64_t eflags;
  uint64_t cc_dst;
  uint64_t cc_src;
  uint64_t cc_src2;
  uint32_t cc_op;
  int32_t df;
  uint32_t hflags;
  uint32_t hflags2;
  SegmentCache segs[6];
  SegmentCache ldt;
  SegmentCache tr;
  SegmentCache gdt;
  SegmentCache idt;
  uint64_t cr[5];
  uint64_t kernelgsbase;
} CPUX86State;

typedef struct CPUState {
  DeviceState parent_obj;
  int nr_cores;
  struct {
    struct CPUState *tqe_next;
    struct {
      void *tql_next;
      void *tql_prev;
    } tqe_circ;
  } node;
  int cpu_index;
} CPUState;

typedef struct X86CPU {
  CPUState parent_obj;
  CPUX86State env;
} X86CPU;

typedef struct CPUTailQ {
  CPUState *tqh_first;
  struct {
    void *tql_next;
    void *tql_prev;
  } tqh_circ;
} CPUTailQ;
#endif

#ifdef QEMUDUMP_ARM_CPUS
/* An aarch64 QEMU's vCPUs (target/arm/cpu.h), enough for the plugin to read
 * the guest's endianness as QEMU's dump does: SCTLR_EL1.EE. */
typedef struct CPUState {
  DeviceState parent_obj;
  int nr_cores;
  struct {
    struct CPUState *tqe_next;
    struct {
      void *tql_next;
      void *tql_prev;
    } tqe_circ;
  } node;
  int cpu_index;
} CPUState;

typedef struct CPUARMState {
  uint64_t xregs[32];
  uint64_t pc;
  uint32_t pstate;
  struct {
    uint64_t c0_cpuid;
    uint64_t sctlr_el[4];
  } cp15;
} CPUARMState;

typedef struct ARMCPU {
  CPUState parent_obj;
  CPUARMState env;
} ARMCPU;

typedef struct CPUTailQ {
  CPUState *tqh_first;
  struct {
    void *tql_next;
    void *tql_prev;
  } tqh_circ;
} CPUTailQ;
#endif

/* qemu-shaped-memory.c: the flat view, built from a list of ranges. */
struct TestRange {
  MemoryRegion *mr;
  hwaddr offset_in_region;
  uint64_t start, size;
};
FlatView *build_flat_view(const struct TestRange *ranges, unsigned nr);
void set_range_mr(FlatView *view, unsigned i, MemoryRegion *mr);

#endif
