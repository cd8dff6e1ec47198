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
  }
  view->nr = view->nr_allocated = nr;
  return view;
}
