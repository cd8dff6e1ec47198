//===- Progress.h - Progress of a long dump, in any LLDB --------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// LLDB's own progress reporting (SBProgress, LLDB 20 and later, resolved at
// run time so that the plugin still loads in older LLDB); otherwise, once a
// dump has run for a second, a line every few seconds on the debugger's
// output. Also where Ctrl-C is noticed.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_PLUGIN_COMMANDS_PROGRESS_H
#define QEMUDUMP_PLUGIN_COMMANDS_PROGRESS_H

#include "Lldb/LldbCompat.h"

#include "lldb/API/SBDebugger.h"

#include <chrono>
#include <cstdint>
#include <string>

namespace qemudump {

class DumpProgress {
public:
  DumpProgress(lldb::SBDebugger Debugger, std::string Title, uint64_t Total);
  ~DumpProgress();
  DumpProgress(const DumpProgress &) = delete;
  DumpProgress &operator=(const DumpProgress &) = delete;

  /// Reports \p Done of the total; false when the user interrupted (Ctrl-C).
  bool update(uint64_t Done);

private:
  void printLine(uint64_t Done);

  lldb::SBDebugger Debugger;
  std::string Title;
  uint64_t Total;
  uint64_t Reported = 0;
  std::chrono::steady_clock::time_point Start, LastLine;
  /// An lldb::SBProgress constructed in place through its resolved symbols.
  alignas(
      16) unsigned char SBProgressStorage[lldbcompat::SBProgressStorageSize];
  bool HaveSBProgress = false;
};

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_COMMANDS_PROGRESS_H
