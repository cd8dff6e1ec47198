//===- Plugin.cpp - Entry point of the qemudump LLDB plugin ---------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// `plugin load libqemudump.so` calls lldb::PluginInitialize, which registers
// the `qemu` multiword command and its subcommands.
//
//===----------------------------------------------------------------------===//

#include "Commands/DumpCommand.h"
#include "Commands/MemoryMapCommand.h"
#include "Commands/VersionCommand.h"

#include "lldb/API/SBCommandInterpreter.h"
#include "lldb/API/SBDebugger.h"

namespace lldb {
__attribute__((visibility("default"))) bool
PluginInitialize(lldb::SBDebugger Debugger);
} // namespace lldb

bool lldb::PluginInitialize(lldb::SBDebugger Debugger) {
  lldb::SBCommandInterpreter Interp = Debugger.GetCommandInterpreter();
  lldb::SBCommand Qemu = Interp.AddMultiwordCommand(
      "qemu", "Commands for a QEMU process or core: write the guest's memory "
              "as a vmcore for crash, drgn and makedumpfile.");
  if (!Qemu.IsValid())
    return false;
  // "" as the auto-repeat command: pressing Enter does not dump again.
  Qemu.AddCommand("dump-guest-memory", new qemudump::DumpCommand(),
                  qemudump::DumpCommand::help(),
                  qemudump::DumpCommand::syntax(), "");
  Qemu.AddCommand("guest-memory-map", new qemudump::MemoryMapCommand(),
                  qemudump::MemoryMapCommand::help(),
                  qemudump::MemoryMapCommand::syntax(), "");
  Qemu.AddCommand("version", new qemudump::VersionCommand(),
                  qemudump::VersionCommand::help(),
                  qemudump::VersionCommand::syntax(), "");
  return true;
}
