//===- ProcessMemory.h - QEMU's memory through SBProcess --------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#ifndef QEMUDUMP_PLUGIN_PROCESSMEMORY_H
#define QEMUDUMP_PLUGIN_PROCESSMEMORY_H

#include "qemudump/MemorySource.h"

#include "lldb/API/SBProcess.h"

namespace qemudump {

/// Reads QEMU's memory with SBProcess::ReadMemory, from a core or a live
/// process. Every byte count is checked: a core that lacks part of a range
/// makes LLDB return a short count, which is an error here, never zeros.
class ProcessMemory : public MemorySource {
public:
  explicit ProcessMemory(lldb::SBProcess Process);

  llvm::Error read(uint64_t HostAddr,
                   llvm::MutableArrayRef<uint8_t> Buf) override;

private:
  lldb::SBProcess Process;
  bool IsCore;
};

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_PROCESSMEMORY_H
