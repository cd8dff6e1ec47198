//===- QemuMemoryMap.h - The guest's RAM from QEMU's flat view --*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Walks address_space_memory.current_map (a FlatView: `nr` FlatRanges, each
// a part of a MemoryRegion at a guest-physical range) and keeps what QEMU's
// own dump keeps (system/memory_mapping.c): RAM, ROM included, but not RAM
// devices nor non-volatile memory; each range's host address is its
// RAMBlock's host pointer plus its offset in the region (aliases followed).
// Of a sparse region (one with a RamDiscardManager: virtio-mem), only the
// populated parts, as QEMU 6.2 and later dump it (QemuRamDiscard).
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_PLUGIN_QEMU_QEMUMEMORYMAP_H
#define QEMUDUMP_PLUGIN_QEMU_QEMUMEMORYMAP_H

#include "Qemu/QemuSession.h"

#include "qemudump/Guest/GuestMemoryMap.h"

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace qemudump {

/// What became of a flat range.
enum class RangeStatus {
  Added,   ///< A block of the map of its own.
  Joined,  ///< Added to the block before it (continuous in both spaces).
  Skipped, ///< Left out, as QEMU's own dump leaves it out.
  Refused, ///< Not dumped: qemudump cannot tell what QEMU's dump would do.
};

/// One RAM flat range as `qemu guest-memory-map` shows it.
struct FlatRangeRow {
  uint64_t GuestStart = 0;
  uint64_t GuestEnd = 0;
  uint64_t HostAddr = 0;
  std::string Region; ///< The MemoryRegion's name.
  RangeStatus Status = RangeStatus::Added;
  /// What the range is ("plugged", "dump=off", comma separated) when added
  /// or joined; why it is skipped ("ram_device", "unplugged") or refused
  /// ("sparse") otherwise.
  std::string Detail;
  size_t BlockCount = 0; ///< Blocks in the map after this range.
  bool Writable = false; ///< RAM, not ROM (MemoryRegion.readonly clear).
  /// The id of the memory backend the range's RAM is (its region's name),
  /// when QEMU ran that backend with dump=off: QEMU left its RAM out of its
  /// core (MADV_DONTDUMP), and the kernel wrote its segment without bytes,
  /// which are not zeros. "" otherwise.
  std::string DumpOffBackend;
  /// Why the range cannot be dumped as QEMU's dump would (a sparse region
  /// whose RamDiscardManager is of a kind qemudump does not know): a dump
  /// that includes it fails with this. "" otherwise.
  std::string Undumpable;
  /// The page size of the range's RAM (RAMBlock.page_size: larger than the
  /// host's base page for hugetlbfs); 0 when this QEMU does not say.
  uint64_t PageSize = 0;

  /// As the map shows it: "added (plugged, dump=off)", "skipped
  /// (ram_device)".
  std::string shown() const;
};

struct GuestMemory {
  GuestMemoryMap Map;
  std::vector<FlatRangeRow> Rows;
  /// What is doubtful about the map without making it unusable.
  std::vector<std::string> Warnings;
};

/// Where the map's flat ranges come from.
enum class MapSource {
  /// QEMU's FlatView (address_space_memory.current_map); when it cannot be
  /// read, the region tree, with a warning.
  FlatView,
  /// The region tree, rendered as QEMU renders its FlatView
  /// (QemuRegionTree.h).
  RegionTree,
};

/// The guest's RAM. Fails when the flat view cannot be read, is implausible
/// (NULL pointers, absurd counts, descending ranges, alias cycles), or holds
/// no RAM.
llvm::Expected<GuestMemory>
readGuestMemory(const QemuSession &S, MapSource Source = MapSource::FlatView);

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_QEMU_QEMUMEMORYMAP_H
