//===- DumpCommand.cpp - `qemu dump-guest-memory` -------------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "Commands/DumpCommand.h"

#include "Commands/CommandReply.h"
#include "Commands/DumpPipeline.h"

#include "qemudump/Command/DumpOptions.h"

using namespace llvm;

namespace qemudump {

const char *DumpCommand::help() { return dumpHelp().c_str(); }

const char *DumpCommand::syntax() { return dumpSyntax().c_str(); }

bool DumpCommand::DoExecute(lldb::SBDebugger Debugger, char **Args,
                            lldb::SBCommandReturnObject &Result) {
  std::vector<std::string> Warnings;
  auto Run = [&]() -> Expected<std::string> {
    Expected<DumpOptions> Options = parseDumpOptions(commandArguments(Args));
    if (!Options)
      return Options.takeError();
    Expected<DumpSummary> Summary =
        dumpGuestMemory(Debugger, *Options, Warnings);
    if (!Summary)
      return Summary.takeError();
    std::string Message = Summary->format();
    if (Options->Verbose)
      Message += "\n" + Summary->formatPhases();
    return Message;
  };
  Expected<std::string> Message = Run(); // before Warnings is looked at
  return reply(Result, std::move(Message), Warnings);
}

} // namespace qemudump
