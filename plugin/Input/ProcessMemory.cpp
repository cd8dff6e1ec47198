//===- ProcessMemory.cpp - QEMU's memory through SBProcess ----------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Input/ProcessMemory.h"

#include "qemudump/Input/MemoryFault.h"

#include "lldb/API/SBError.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cstring>

using namespace llvm;

namespace qemudump {

ProcessMemory::ProcessMemory(lldb::SBProcess Process) : Process(Process) {}

ProcessMemory::ProcessMemory(lldb::SBProcess Process, std::string CorePath,
                             std::optional<CoreLayout> Layout)
    : Process(Process), IsCore(true), CorePath(std::move(CorePath)),
      Layout(std::move(Layout)) {}

std::string ProcessMemory::reader() const {
  if (!IsCore)
    return "through LLDB from the live process";
  if (CorePath.empty())
    return "through LLDB from the core (its file could not be located)";
  if (!Layout)
    return "through LLDB from the core (a format qemudump does not parse)";
  return formatv("through LLDB from the {0} core",
                 coreFormatName(Layout->Format))
      .str();
}

std::optional<std::string> ProcessMemory::knownDamage() const {
  if (!Layout)
    return std::nullopt;
  return Layout->Damage ? Layout->Damage : Layout->Partial;
}

namespace {

/// The MemoryFault kind of an address a core's layout says it lacks: only
/// "QEMU had no memory there" is NotMapped (which the pipeline may explain
/// as a corrupt RAMBlock.host).
MemoryFault::Kind faultKind(CoreLayout::Missing M) {
  switch (M) {
  case CoreLayout::Missing::Cut:
    return MemoryFault::Truncated;
  case CoreLayout::Missing::NotMapped:
    return MemoryFault::NotMapped;
  case CoreLayout::Missing::LeftOut:
  case CoreLayout::Missing::Unknown:
    break;
  }
  return MemoryFault::Other;
}

} // namespace

MemorySource::Extent ProcessMemory::extent(uint64_t HostAddr, uint64_t MaxLen) {
  if (!Layout)
    return {false, MaxLen};
  if (const CoreLayout::Range *Z = Layout->zeroAt(HostAddr))
    return {true, std::min(MaxLen, Z->end() - HostAddr)};
  if (const CoreLayout::Range *S = Layout->storedAt(HostAddr))
    return {false, std::min(MaxLen, S->end() - HostAddr)};
  return {false, MaxLen}; // read() will say why it is missing
}

Error ProcessMemory::read(uint64_t HostAddr, MutableArrayRef<uint8_t> Buf) {
  if (!Layout)
    return readThroughLldb(HostAddr, Buf);
  while (!Buf.empty()) {
    uint64_t N = 0;
    if (const CoreLayout::Range *Z = Layout->zeroAt(HostAddr)) {
      N = std::min<uint64_t>(Buf.size(), Z->end() - HostAddr);
      std::memset(Buf.data(), 0, N);
    } else if (const CoreLayout::Range *S = Layout->storedAt(HostAddr)) {
      N = std::min<uint64_t>(Buf.size(), S->end() - HostAddr);
      if (Error E = readThroughLldb(HostAddr, Buf.take_front(N)))
        return E;
    } else {
      return make_error<MemoryFault>(HostAddr, Buf.size(),
                                     Layout->whyMissing(HostAddr, CorePath),
                                     faultKind(Layout->classify(HostAddr)));
    }
    Buf = Buf.drop_front(N);
    HostAddr += N;
  }
  return Error::success();
}

Error ProcessMemory::readThroughLldb(uint64_t HostAddr,
                                     MutableArrayRef<uint8_t> Buf) {
  while (!Buf.empty()) {
    lldb::SBError Err;
    size_t N = Process.ReadMemory(HostAddr, Buf.data(), Buf.size(), Err);
    if (N == 0 || N > Buf.size())
      return lldbFault(HostAddr, Buf.size(),
                       Err.Fail() && Err.GetCString()
                           ? Err.GetCString()
                           : "no bytes could be read");
    Buf = Buf.drop_front(N);
    HostAddr += N;
  }
  return Error::success();
}

Error ProcessMemory::lldbFault(uint64_t HostAddr, uint64_t Length,
                               StringRef Why) const {
  if (!IsCore)
    return make_error<MemoryFault>(
        HostAddr, Length,
        formatv("cannot read the process's memory at {0:x}: {1}", HostAddr, Why)
            .str());
  if (Layout && Layout->Damage) // LLDB drops what a cut file lacks
    return make_error<MemoryFault>(
        HostAddr, Length,
        formatv("LLDB cannot read QEMU's memory at {0:x} ({1}): {2}", HostAddr,
                Why, *Layout->Damage)
            .str(),
        MemoryFault::Truncated);
  if (Layout) // The file says it holds these bytes, LLDB cannot read them.
    return make_error<MemoryFault>(
        HostAddr, Length,
        formatv("LLDB cannot read QEMU's memory at {0:x} from the {1} core "
                "'{2}', which lists it as stored ({3}); the file may be "
                "damaged",
                HostAddr, coreFormatName(Layout->Format), CorePath, Why)
            .str());
  return make_error<MemoryFault>(
      HostAddr, Length,
      formatv("the core file{0} does not hold QEMU's memory at {1:x} "
              "({2}); QEMU probably ran with -machine dump-guest-core=off, "
              "or the core file is truncated",
              CorePath.empty() ? "" : " '" + CorePath + "'", HostAddr, Why)
          .str());
}

} // namespace qemudump
