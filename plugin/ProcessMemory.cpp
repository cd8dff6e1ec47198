//===- ProcessMemory.cpp - QEMU's memory through SBProcess ----------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "ProcessMemory.h"

#include "qemudump/MemoryFault.h"

#include "lldb/API/SBError.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace qemudump {

ProcessMemory::ProcessMemory(lldb::SBProcess Process) : Process(Process) {
  const char *Plugin = Process.GetPluginName();
  IsCore = Plugin && StringRef(Plugin).contains("core");
}

Error ProcessMemory::read(uint64_t HostAddr, MutableArrayRef<uint8_t> Buf) {
  while (!Buf.empty()) {
    lldb::SBError Err;
    size_t N = Process.ReadMemory(HostAddr, Buf.data(), Buf.size(), Err);
    if (N == 0 || N > Buf.size()) {
      std::string Why = Err.Fail() && Err.GetCString()
                            ? Err.GetCString()
                            : "no bytes could be read";
      if (IsCore)
        return make_error<MemoryFault>(
            HostAddr, Buf.size(),
            formatv("the core file does not hold QEMU's memory at {0:x} "
                    "({1}); QEMU probably ran with -machine "
                    "dump-guest-core=off, or the core file is truncated",
                    HostAddr, Why)
                .str());
      return make_error<MemoryFault>(
          HostAddr, Buf.size(),
          formatv("cannot read the process's memory at {0:x}: {1}", HostAddr,
                  Why)
              .str());
    }
    Buf = Buf.drop_front(N);
    HostAddr += N;
  }
  return Error::success();
}

} // namespace qemudump
