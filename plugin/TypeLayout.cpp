//===- TypeLayout.cpp - Work around LLDB's lazy layout of QEMU's types ----===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "TypeLayout.h"

#include "lldb/API/SBExpressionOptions.h"
#include "lldb/API/SBValue.h"

#include "llvm/ADT/Twine.h"

namespace qemudump {

void completeLayout(lldb::SBTarget Target, const char *Type) {
  lldb::SBExpressionOptions Options;
  Options.SetLanguage(lldb::eLanguageTypeC);
  Options.SetSuppressPersistentResult(true);
  Options.SetAutoApplyFixIts(false);
  Options.SetTryAllThreads(false);
  lldb::SBValue Size = Target.EvaluateExpression(
      (llvm::Twine("sizeof(") + Type + ")").str().c_str(), Options);
  (void)Size; // Only the side effect matters.
}

} // namespace qemudump
