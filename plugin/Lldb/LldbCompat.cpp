//===- LldbCompat.cpp - SB API that only newer LLDBs have -----------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Lldb/LldbCompat.h"

#include "Lldb/FileSpecPath.h"

#include "lldb/API/SBFileSpec.h"

#include <dlfcn.h>

namespace qemudump {
namespace lldbcompat {

namespace {

template <class Fn> Fn resolve(const char *Mangled) {
  return reinterpret_cast<Fn>(dlsym(RTLD_DEFAULT, Mangled));
}

// SBFileSpec SBProcess::GetCoreFile().
using GetCoreFileFn = lldb::SBFileSpec (*)(lldb::SBProcess *);

GetCoreFileFn getCoreFileFn() {
  static const GetCoreFileFn Fn =
      resolve<GetCoreFileFn>("_ZN4lldb9SBProcess11GetCoreFileEv");
  return Fn;
}

// lldb::SBProgress: SBProgress(const char *title, const char *details,
// uint64_t total_units, SBDebugger &), Increment(uint64_t amount, const char
// *description), ~SBProgress(). LLDB 22 makes std::strings of title and
// details: never pass nullptr.
using CtorFn = void (*)(void *, const char *, const char *, uint64_t,
                        lldb::SBDebugger &);
using IncrementFn = void (*)(void *, uint64_t, const char *);
using DtorFn = void (*)(void *);

struct SBProgressApi {
  CtorFn Ctor =
      resolve<CtorFn>("_ZN4lldb10SBProgressC1EPKcS2_mRNS_10SBDebuggerE");
  IncrementFn Increment =
      resolve<IncrementFn>("_ZN4lldb10SBProgress9IncrementEmPKc");
  DtorFn Dtor = resolve<DtorFn>("_ZN4lldb10SBProgressD1Ev");
  bool available() const { return Ctor && Increment && Dtor; }
};

const SBProgressApi &progressApi() {
  static const SBProgressApi Api;
  return Api;
}

} // namespace

bool haveGetCoreFile() { return getCoreFileFn() != nullptr; }

std::optional<std::string> getCoreFile(lldb::SBProcess &Process) {
  GetCoreFileFn Fn = getCoreFileFn();
  if (!Fn)
    return std::nullopt;
  return fileSpecPath(Fn(&Process));
}

bool haveSBProgress() { return progressApi().available(); }

void constructSBProgress(void *Storage, const char *Title, uint64_t Total,
                         lldb::SBDebugger &Debugger) {
  progressApi().Ctor(Storage, Title, "", Total, Debugger);
}

void incrementSBProgress(void *Storage, uint64_t Amount) {
  progressApi().Increment(Storage, Amount, nullptr);
}

void destroySBProgress(void *Storage) { progressApi().Dtor(Storage); }

} // namespace lldbcompat
} // namespace qemudump
