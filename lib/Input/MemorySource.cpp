//===- MemorySource.cpp - Where QEMU's memory is read from ----------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "qemudump/Input/MemorySource.h"

#include "qemudump/Input/MemoryFault.h"

using namespace llvm;

namespace qemudump {

MemorySource::~MemorySource() = default;

Error checkBlocksReadable(const GuestMemoryMap &Map, MemorySource &Memory) {
  for (const MemoryBlock &B : Map.blocks()) {
    for (uint64_t Offset : {uint64_t(0), B.size() - 1}) {
      uint8_t Byte;
      if (Error Err = Memory.read(B.HostAddr + Offset, {&Byte, 1}))
        return MemoryFault::addGuestContext(
            std::move(Err), {B.GuestStart, B.GuestEnd, B.HostAddr, true}, 1);
    }
  }
  return Error::success();
}

Error withKnownDamage(Error E, const MemorySource &Source) {
  if (!E)
    return E;
  std::optional<std::string> Damage = Source.knownDamage();
  if (!Damage)
    return E;
  return createStringError(inconvertibleErrorCode(),
                           toString(std::move(E)) + " (" + *Damage + ")");
}

} // namespace qemudump
