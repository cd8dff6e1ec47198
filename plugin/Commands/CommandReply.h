//===- CommandReply.h - A command's result, errors converted once -*- C++
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//-*-===//
//
// Every `qemu` command computes an Expected<std::string> (the message it
// prints on success) and turns it into LLDB's result here, in one place: an
// error becomes SetError (the command fails and `lldb -b` exits non-zero),
// warnings are printed either way.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_PLUGIN_COMMANDS_COMMANDREPLY_H
#define QEMUDUMP_PLUGIN_COMMANDS_COMMANDREPLY_H

#include "lldb/API/SBCommandReturnObject.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace qemudump {

/// The command's arguments.
inline llvm::SmallVector<llvm::StringRef, 4> commandArguments(char **Args) {
  llvm::SmallVector<llvm::StringRef, 4> Out;
  for (; Args && *Args; ++Args)
    Out.push_back(*Args);
  return Out;
}

/// Fills \p Result from \p Message and \p Warnings; DoExecute's return value.
inline bool reply(lldb::SBCommandReturnObject &Result,
                  llvm::Expected<std::string> Message,
                  llvm::ArrayRef<std::string> Warnings = {}) {
  for (const std::string &W : Warnings)
    Result.AppendWarning(W.c_str());
  if (!Message) {
    Result.SetError(llvm::toString(Message.takeError()).c_str());
    return false;
  }
  Result.AppendMessage(Message->c_str());
  Result.SetStatus(lldb::eReturnStatusSuccessFinishResult);
  return true;
}

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_COMMANDS_COMMANDREPLY_H
