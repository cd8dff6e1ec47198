/* SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception */
/* The one unit with FlatRange's definition, as memory.c in QEMU. */
#include "qemu-shaped.h"

#include <stdlib.h>

struct FlatRange {
  MemoryRegion *mr;
  hwaddr offset_in_region;
  AddrRange addr;
  uint8_t dirty_log_mask;
  bool romd_mode;
  bool readonly;
  bool nonvolatile;
};

static uint64_t low64(Int128 v) {
#ifdef QEMUDUMP_INT128_STRUCT
  return v.lo;
#else
  return (uint64_t)v;
#endif
}

/* As QEMU's regions are: at least as large as what the flat view shows of
 * them, and an alias's target at least as large as what the alias shows. */
static void cover(MemoryRegion *mr, uint64_t end, int depth) {
  if (depth > 16)
    return; /* an alias cycle (a corruption under test) */
  if (low64(mr->size) < end)
    mr->size = int128_make64(end);
  if (mr->alias)
    cover(mr->alias, mr->alias_offset + end, depth + 1);
}

FlatView *build_flat_view(const struct TestRange *ranges, unsigned nr) {
  FlatView *view = calloc(1, sizeof(*view));
  view->ref = 1;
  view->ranges = calloc(nr ? nr : 1, sizeof(FlatRange));
  for (unsigned i = 0; i < nr; ++i) {
    view->ranges[i].mr = ranges[i].mr;
    view->ranges[i].offset_in_region = ranges[i].offset_in_region;
    view->ranges[i].addr.start = int128_make64(ranges[i].start);
    view->ranges[i].addr.size = int128_make64(ranges[i].size);
    view->ranges[i].nonvolatile = ranges[i].mr->nonvolatile;
    cover(ranges[i].mr, ranges[i].offset_in_region + ranges[i].size, 0);
  }
  view->nr = view->nr_allocated = nr;
  return view;
}

void set_range_mr(FlatView *view, unsigned i, MemoryRegion *mr) {
  view->ranges[i].mr = mr;
}
