//===- GuestMemoryMap.cpp - Guest-physical RAM blocks ---------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Guest/GuestMemoryMap.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>

using namespace llvm;

namespace qemudump {

Expected<GuestMemoryMap::AddResult>
GuestMemoryMap::addRange(uint64_t GuestStart, uint64_t Size,
                         uint64_t HostAddr) {
  if (Size == 0)
    return createStringError(
        inconvertibleErrorCode(),
        formatv("empty RAM range at guest-physical {0:x}", GuestStart).str());
  uint64_t GuestEnd = GuestStart + Size;
  if (GuestEnd < GuestStart || HostAddr + Size < HostAddr)
    return createStringError(
        inconvertibleErrorCode(),
        formatv("RAM range at guest-physical {0:x} of size {1:x} (host {2:x}) "
                "wraps around the address space",
                GuestStart, Size, HostAddr)
            .str());
  if (!Blocks.empty()) {
    MemoryBlock &Last = Blocks.back();
    if (GuestStart < Last.GuestEnd)
      return createStringError(
          inconvertibleErrorCode(),
          formatv("RAM ranges do not ascend: [{0:x}, {1:x}) follows a block "
                  "ending at {2:x}",
                  GuestStart, GuestEnd, Last.GuestEnd)
              .str());
    if (Last.GuestEnd == GuestStart &&
        Last.HostAddr + Last.size() == HostAddr) {
      Last.GuestEnd = GuestEnd;
      return AddResult::Joined;
    }
  }
  Blocks.push_back({GuestStart, GuestEnd, HostAddr});
  return AddResult::Added;
}

uint64_t GuestMemoryMap::totalBytes() const {
  uint64_t Total = 0;
  for (const MemoryBlock &B : Blocks)
    Total += B.size();
  return Total;
}

Expected<GuestMemoryMap> GuestMemoryMap::clip(uint64_t Begin,
                                              uint64_t Length) const {
  if (Length == 0 || Begin + Length < Begin)
    return createStringError(
        inconvertibleErrorCode(),
        formatv("the range begin {0:x}, length {1:x} is {2}", Begin, Length,
                Length == 0 ? "empty" : "beyond the 64-bit address space")
            .str());
  uint64_t End = Begin + Length;
  GuestMemoryMap Out;
  for (const MemoryBlock &B : Blocks) {
    uint64_t S = std::max(B.GuestStart, Begin), E = std::min(B.GuestEnd, End);
    if (S < E)
      Out.Blocks.push_back({S, E, B.HostAddr + (S - B.GuestStart)});
  }
  if (Out.Blocks.empty())
    return createStringError(
        inconvertibleErrorCode(),
        formatv("guest-physical [{0:x}, {1:x}) holds no guest RAM; `qemu "
                "guest-memory-map` shows where the RAM is",
                Begin, End)
            .str());
  return Out;
}

std::optional<uint64_t> GuestMemoryMap::hostAddressOf(uint64_t Addr,
                                                      uint64_t Len) const {
  for (const MemoryBlock &B : Blocks) {
    if (Addr < B.GuestStart || Addr >= B.GuestEnd)
      continue;
    if (Len > B.GuestEnd - Addr)
      return std::nullopt;
    return B.HostAddr + (Addr - B.GuestStart);
  }
  return std::nullopt;
}

const MemoryBlock *GuestMemoryMap::blockOfHost(uint64_t HostAddr) const {
  for (const MemoryBlock &B : Blocks)
    if (HostAddr >= B.HostAddr && HostAddr - B.HostAddr < B.size())
      return &B;
  return nullptr;
}

} // namespace qemudump
