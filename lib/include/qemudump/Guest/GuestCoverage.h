//===- GuestCoverage.h - What of guest RAM a core holds ---------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// A core may lack parts of guest RAM: cut short (systemd-coredump's size
// limit, a full disk, a copy that stopped), without a mapping's pages (a
// shared mapping the kernel's coredump_filter left out, a memory backend
// with dump=off), or without a mapping at all. The coverage of a map says,
// range by range, what the core holds (stored, or known zeros) and what it
// lacks and why: what a partial dump writes, and what a refusal says it
// would write. What is known missing is never written as zeros; pages the
// core leaves out of an anonymous mapping are zeros unless the caller knows
// better (a dump=off backend: \p Known of coverageOf).
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_GUEST_GUESTCOVERAGE_H
#define QEMUDUMP_GUEST_GUESTCOVERAGE_H

#include "qemudump/Guest/GuestMemoryMap.h"
#include "qemudump/Input/MemorySource.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>
#include <vector>

namespace qemudump {

/// Why a range of guest RAM is not in the core.
enum class MissingCause {
  Truncated,      ///< The core ends before its bytes.
  NotInCore,      ///< No segment of the core holds its QEMU address.
  SharedFile,     ///< A shared file mapping coredump_filter left out.
  SharedHugetlb,  ///< Shared hugetlbfs pages coredump_filter left out.
  DumpOffBackend, ///< A memory backend QEMU ran with dump=off.
};

struct MissingRange {
  uint64_t GuestStart = 0, GuestEnd = 0; ///< Guest-physical [Start, End).
  uint64_t HostAddr = 0;                 ///< QEMU's address of GuestStart.
  MissingCause Cause = MissingCause::NotInCore;
  uint64_t FileOffset = 0; ///< Truncated: where its bytes would be.
  std::string Region;      ///< Its memory region (a backend's id), if known.

  uint64_t size() const { return GuestEnd - GuestStart; }
  /// The cause, said for this range: "past the end of the cut core (file
  /// offset 0x...)".
  std::string why() const;
};

struct GuestCoverage {
  GuestMemoryMap Held;               ///< What the core holds of the map.
  std::vector<MissingRange> Missing; ///< The rest, in guest-physical order.
  uint64_t TotalBytes = 0;           ///< All of the map.

  uint64_t heldBytes() const { return Held.totalBytes(); }
  bool complete() const { return Missing.empty(); }
  /// The missing bytes of one cause.
  uint64_t missingBytes(MissingCause C) const;
};

/// A classifier of the mappings a source left out as file-backed: \p Missing
/// (SharedFile) becomes SharedHugetlb where the memory is hugetlbfs pages.
using ClassifyFn = llvm::function_ref<void(MissingRange &Missing)>;

/// What \p Memory holds of each block of \p Map (MemorySource::
/// availability), \p Known left out beforehand with its cause (memory a
/// backend's dump=off keeps out of the core, which the core cannot tell
/// from zeros). Adjacent missing parts of one cause and region are one range.
GuestCoverage coverageOf(const GuestMemoryMap &Map, MemorySource &Memory,
                         llvm::ArrayRef<MissingRange> Known,
                         ClassifyFn Classify = nullptr);

/// What cut a core of \p CoreSize bytes, and how to get whole cores next
/// time: systemd-coredump's default limits (2 GiB up to systemd 250, 32 GiB
/// on 64-bit since), another round size (a size limit), or neither (a full
/// disk, a copy that stopped).
std::string coreCutExplanation(uint64_t CoreSize);

} // namespace qemudump

#endif // QEMUDUMP_GUEST_GUESTCOVERAGE_H
