//===- QemuCoverage.h - What a QEMU core holds of guest RAM -----*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// GuestCoverage with what QEMU's memory map knows and the core cannot tell:
// the RAM of a memory backend with dump=off is in a core as a segment
// without bytes, which reads as zeros, so it is missing by the map's word;
// a shared mapping the coredump_filter left out is hugetlbfs pages when its
// RAMBlock's pages are larger than a base page.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_PLUGIN_QEMU_QEMUCOVERAGE_H
#define QEMUDUMP_PLUGIN_QEMU_QEMUCOVERAGE_H

#include "Qemu/QemuMemoryMap.h"

#include "qemudump/Guest/GuestCoverage.h"

#include "llvm/ADT/ArrayRef.h"

namespace qemudump {

/// What \p Source holds of \p Map, whose flat ranges are \p Rows. With
/// \p FromCore (not a live process, whose dump=off RAM is readable), the RAM
/// of dump=off backends is missing.
GuestCoverage qemuCoverage(const GuestMemoryMap &Map,
                           llvm::ArrayRef<FlatRangeRow> Rows,
                           MemorySource &Source, bool FromCore);

/// The flat range that holds guest-physical \p GuestStart; null if none.
const FlatRangeRow *rowAt(llvm::ArrayRef<FlatRangeRow> Rows,
                          uint64_t GuestStart);

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_QEMU_QEMUCOVERAGE_H
