//===- LldbCompat.h - SB API that only newer LLDBs have ---------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// One build of the plugin loads in LLDB 16, 19 and 22, bound at load time
// (-z now): calling an SB function that LLDB 16 lacks directly would stop the
// plugin from loading there. Such functions are resolved here, at run time,
// by their mangled names, and used only where present.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_PLUGIN_LLDB_LLDBCOMPAT_H
#define QEMUDUMP_PLUGIN_LLDB_LLDBCOMPAT_H

#include "lldb/API/SBDebugger.h"
#include "lldb/API/SBProcess.h"

#include <cstdint>
#include <optional>
#include <string>

namespace qemudump {
namespace lldbcompat {

/// Whether this LLDB has SBProcess::GetCoreFile (LLDB 17 and later).
bool haveGetCoreFile();
/// SBProcess::GetCoreFile's path; none for a live process (or without
/// haveGetCoreFile()).
std::optional<std::string> getCoreFile(lldb::SBProcess &Process);

/// lldb::SBProgress (LLDB 20 and later), constructed in storage of the
/// caller's (SBProgressStorageSize bytes, 16-aligned).
constexpr size_t SBProgressStorageSize = 64;
bool haveSBProgress();
void constructSBProgress(void *Storage, const char *Title, uint64_t Total,
                         lldb::SBDebugger &Debugger);
void incrementSBProgress(void *Storage, uint64_t Amount);
void destroySBProgress(void *Storage);

} // namespace lldbcompat
} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_LLDB_LLDBCOMPAT_H
