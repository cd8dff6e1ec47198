//===- ProcessMemory.h - QEMU's memory through SBProcess --------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Reads QEMU's memory with SBProcess::ReadMemory: from a live process, or
// from a core LLDB loaded that qemudump does not read itself (a minidump, a
// Mach-O core, a format it does not know). Every byte count is checked: what
// LLDB cannot read is an error naming the address, never zeros. For a core
// whose layout is known (CoreLayout.h) only the ranges the file stores are
// read through LLDB; the ranges its format declares zero are zeros, and an
// address the file lacks is an error saying why, before LLDB is asked.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_PLUGIN_INPUT_PROCESSMEMORY_H
#define QEMUDUMP_PLUGIN_INPUT_PROCESSMEMORY_H

#include "qemudump/Input/CoreLayout.h"
#include "qemudump/Input/MemorySource.h"

#include "lldb/API/SBProcess.h"

#include <optional>
#include <string>

namespace qemudump {

class ProcessMemory : public MemorySource {
public:
  /// A live process.
  explicit ProcessMemory(lldb::SBProcess Process);
  /// The core at \p CorePath (empty when it cannot be located), which LLDB
  /// loaded as \p Process; \p Layout when its format is one qemudump parses.
  ProcessMemory(lldb::SBProcess Process, std::string CorePath,
                std::optional<CoreLayout> Layout);

  Extent extent(uint64_t HostAddr, uint64_t MaxLen) override;
  llvm::Error read(uint64_t HostAddr,
                   llvm::MutableArrayRef<uint8_t> Buf) override;
  std::optional<std::string> knownDamage() const override;
  std::string reader() const override;

private:
  /// Reads through LLDB, looping on short counts.
  llvm::Error readThroughLldb(uint64_t HostAddr,
                              llvm::MutableArrayRef<uint8_t> Buf);
  /// The error for what LLDB could not read at \p HostAddr.
  llvm::Error lldbFault(uint64_t HostAddr, uint64_t Length,
                        llvm::StringRef Why) const;

  lldb::SBProcess Process;
  bool IsCore = false;
  std::string CorePath; ///< Of a core; empty when it cannot be located.
  std::optional<CoreLayout> Layout;
};

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_INPUT_PROCESSMEMORY_H
