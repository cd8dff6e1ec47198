//===- Progress.cpp - Progress of a long dump, in any LLDB ----------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Commands/Progress.h"

#include "Lldb/LldbCompat.h"

#include "lldb/API/SBCommandInterpreter.h"
#include "lldb/API/SBFile.h"

#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace qemudump {

DumpProgress::DumpProgress(lldb::SBDebugger Debugger, std::string Title,
                           uint64_t Total)
    : Debugger(Debugger), Title(std::move(Title)), Total(Total),
      Start(std::chrono::steady_clock::now()), LastLine(Start) {
  // Units of MiB keep the counts small whatever the guest size.
  if (lldbcompat::haveSBProgress()) {
    lldbcompat::constructSBProgress(SBProgressStorage, this->Title.c_str(),
                                    (Total + (1 << 20) - 1) >> 20,
                                    this->Debugger);
    HaveSBProgress = true;
  }
}

DumpProgress::~DumpProgress() {
  if (HaveSBProgress)
    lldbcompat::destroySBProgress(SBProgressStorage);
}

void DumpProgress::printLine(uint64_t Done) {
  double Seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - Start)
          .count();
  std::string Line =
      formatv("{0}: {1} of {2} MiB ({3}%), {4:f0} MiB/s\n", Title, Done >> 20,
              Total >> 20, Total ? Done * 100 / Total : 100,
              Seconds > 0 ? double(Done >> 20) / Seconds : 0.0)
          .str();
  lldb::SBFile Out = Debugger.GetOutputFile();
  size_t Written = 0;
  if (Out.IsValid()) {
    Out.Write(reinterpret_cast<const uint8_t *>(Line.data()), Line.size(),
              &Written);
    Out.Flush();
  }
}

bool DumpProgress::update(uint64_t Done) {
  if (HaveSBProgress) {
    uint64_t Units = Done >> 20;
    if (Units > Reported) {
      lldbcompat::incrementSBProgress(SBProgressStorage, Units - Reported);
      Reported = Units;
    }
  } else {
    auto Now = std::chrono::steady_clock::now();
    if (Now - Start >= std::chrono::seconds(1) &&
        Now - LastLine >= std::chrono::seconds(2)) {
      printLine(Done);
      LastLine = Now;
    }
  }
  return !Debugger.GetCommandInterpreter().WasInterrupted();
}

} // namespace qemudump
