//===- MemorySource.h - Where QEMU's memory is read from -------*- C++ -*-===//
//
// The writers pull guest memory from a MemorySource by host (QEMU-virtual)
// address. The plugin implements one over SBProcess::ReadMemory; tests use
// in-memory sources.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_MEMORYSOURCE_H
#define QEMUDUMP_MEMORYSOURCE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>

namespace qemudump {

class MemorySource {
public:
  virtual ~MemorySource();

  /// Fills all of \p Buf from host address \p HostAddr, or fails saying which
  /// address could not be read and why. Never fills what it could not read
  /// with zeros.
  virtual llvm::Error read(uint64_t HostAddr,
                           llvm::MutableArrayRef<uint8_t> Buf) = 0;
};

} // namespace qemudump

#endif // QEMUDUMP_MEMORYSOURCE_H
