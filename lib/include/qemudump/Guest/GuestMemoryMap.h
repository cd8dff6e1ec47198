//===- GuestMemoryMap.h - Guest-physical RAM blocks and their host memory -===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The guest's RAM as QEMU maps it: blocks of guest-physical memory, each backed
// by one contiguous range of QEMU's (host-virtual) memory. Ranges are added in
// ascending guest-physical order, as QEMU's flat view lists them; a range that
// continues the previous block in both guest-physical and host-virtual space
// is merged into it.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_GUEST_GUESTMEMORYMAP_H
#define QEMUDUMP_GUEST_GUESTMEMORYMAP_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace qemudump {

struct MemoryBlock {
  uint64_t GuestStart = 0; ///< First guest-physical address.
  uint64_t GuestEnd = 0;   ///< One past the last guest-physical address.
  uint64_t HostAddr = 0;   ///< QEMU's virtual address of GuestStart.

  uint64_t size() const { return GuestEnd - GuestStart; }
};

class GuestMemoryMap {
public:
  enum class AddResult { Added, Joined };

  /// Appends the range [GuestStart, GuestStart + Size) at \p HostAddr. Fails
  /// when the range is empty, wraps around, or does not ascend (starts below
  /// the end of the previous block).
  llvm::Expected<AddResult> addRange(uint64_t GuestStart, uint64_t Size,
                                     uint64_t HostAddr);

  llvm::ArrayRef<MemoryBlock> blocks() const { return Blocks; }
  bool empty() const { return Blocks.empty(); }
  /// Sum of the block sizes.
  uint64_t totalBytes() const;

  /// The part of the map inside guest-physical [Begin, Begin + Length), as
  /// QMP's dump-guest-memory begin/length select it: blocks cut to the range,
  /// host addresses moved along. Fails when nothing is inside, or the range
  /// wraps around.
  llvm::Expected<GuestMemoryMap> clip(uint64_t Begin, uint64_t Length) const;

  /// The host address of guest-physical [Addr, Addr + Len) when one block
  /// holds all of it.
  std::optional<uint64_t> hostAddressOf(uint64_t Addr, uint64_t Len) const;

  /// The block holding QEMU (host) address \p HostAddr, if any.
  const MemoryBlock *blockOfHost(uint64_t HostAddr) const;

private:
  std::vector<MemoryBlock> Blocks;
};

} // namespace qemudump

#endif // QEMUDUMP_GUEST_GUESTMEMORYMAP_H
