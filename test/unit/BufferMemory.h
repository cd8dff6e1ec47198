//===- BufferMemory.h - An in-memory MemorySource for the unit tests ------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#ifndef QEMUDUMP_TEST_UNIT_BUFFERMEMORY_H
#define QEMUDUMP_TEST_UNIT_BUFFERMEMORY_H

#include "qemudump/Input/MemoryFault.h"
#include "qemudump/Input/MemorySource.h"

#include <cstring>
#include <map>
#include <utility>
#include <vector>

namespace qemudump {

/// Host memory from buffers at given addresses; optionally, ranges the
/// source knows to be zero without reading them.
class BufferMemory : public MemorySource {
public:
  std::map<uint64_t, std::vector<uint8_t>> Buffers;
  std::vector<std::pair<uint64_t, uint64_t>> KnownZero;
  uint64_t BytesRead = 0;
  uint64_t FailAt = ~0ULL;

  Extent extent(uint64_t Addr, uint64_t MaxLen) override {
    for (auto [Lo, Hi] : KnownZero) {
      if (Addr >= Lo && Addr < Hi)
        return {true, std::min(MaxLen, Hi - Addr)};
      if (Lo > Addr && Lo < Addr + MaxLen)
        MaxLen = Lo - Addr;
    }
    return {false, MaxLen};
  }
  llvm::Error read(uint64_t Addr, llvm::MutableArrayRef<uint8_t> Buf) override {
    if (FailAt >= Addr && FailAt < Addr + Buf.size())
      return llvm::make_error<MemoryFault>(Addr, Buf.size(), "unreadable");
    auto It = Buffers.upper_bound(Addr);
    if (It == Buffers.begin())
      return llvm::make_error<MemoryFault>(Addr, Buf.size(), "no buffer");
    --It;
    uint64_t Off = Addr - It->first;
    if (Off + Buf.size() > It->second.size())
      return llvm::make_error<MemoryFault>(Addr, Buf.size(), "past the buffer");
    std::memcpy(Buf.data(), It->second.data() + Off, Buf.size());
    BytesRead += Buf.size();
    return llvm::Error::success();
  }
};

} // namespace qemudump

#endif
