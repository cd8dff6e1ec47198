//===- QemuRegionTree.h - The flat view rendered from regions ---*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// QEMU keeps the guest's memory map twice: as the tree of MemoryRegions
// under address_space_memory.root (containers, aliases, subregions by
// priority), and as the FlatView it renders from it (memory.c:
// generate_memory_topology), which the dump reads. The FlatView is
// re-rendered by whichever thread changes the map (a vCPU's, as the guest
// programs its chipset and PCI BARs) and lives in that thread's malloc arena,
// often above guest RAM in QEMU's address space: a core cut in guest RAM
// (systemd-coredump's size limit) loses it, while the regions themselves,
// made at machine creation in the main thread's heap, stay. This renders the
// flat view from the tree as QEMU does (render_memory_region, then
// flatview_simplify), so that the map can be had without the FlatView.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_PLUGIN_QEMU_QEMUREGIONTREE_H
#define QEMUDUMP_PLUGIN_QEMU_QEMUREGIONTREE_H

#include "Qemu/QemuSession.h"

#include "lldb/API/SBValue.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace qemudump {

/// One flat range, as QEMU's FlatRange has it.
struct FlatRangeFields {
  lldb::SBValue Mr; ///< The MemoryRegion (an alias resolved: its target).
  uint64_t MrAddr = 0;
  uint64_t GuestStart = 0, Size = 0, OffsetInRegion = 0;
};

/// The flat view of address_space_memory rendered from its region tree, in
/// guest-physical order. Fails as the FlatView reader does when a region
/// cannot be read or is implausible.
llvm::Expected<std::vector<FlatRangeFields>>
renderRegionTree(const QemuSession &S);

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_QEMU_QEMUREGIONTREE_H
