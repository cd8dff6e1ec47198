//===- VersionCommand.cpp - `qemu version` --------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Prints which qemudump this is and which LLDB it runs in: one build loads in
// several LLDB versions, and bug reports need both.
//
//===----------------------------------------------------------------------===//

#include "Commands/VersionCommand.h"

#include <string>

// From CMake: the project's VERSION and the LLVM the SB headers came from.
#ifndef QEMUDUMP_VERSION
#error "QEMUDUMP_VERSION must be defined by the build"
#endif
#ifndef QEMUDUMP_LLDB_HEADERS_VERSION
#define QEMUDUMP_LLDB_HEADERS_VERSION "unknown"
#endif

namespace qemudump {

const char *VersionCommand::help() {
  return "Print the version of the qemudump plugin, the LLDB headers it was "
         "built with, and the LLDB it runs in.";
}

const char *VersionCommand::syntax() { return "qemu version"; }

bool VersionCommand::DoExecute(lldb::SBDebugger Debugger, char **Args,
                               lldb::SBCommandReturnObject &Result) {
  (void)Debugger;
  if (Args && *Args) {
    Result.SetError("qemu version takes no arguments");
    return false;
  }
  std::string Out = "qemudump " QEMUDUMP_VERSION
                    " (built with LLDB " QEMUDUMP_LLDB_HEADERS_VERSION
                    " headers)\nrunning in ";
  // Static; "lldb version X.Y.Z", possibly followed by more lines (revisions).
  const char *Lldb = lldb::SBDebugger::GetVersionString();
  Out += Lldb && *Lldb ? Lldb : "an LLDB that does not tell its version";
  while (Out.back() == '\n')
    Out.pop_back();
  Result.AppendMessage(Out.c_str()); // Adds the final newline.
  Result.SetStatus(lldb::eReturnStatusSuccessFinishResult);
  return true;
}

} // namespace qemudump
