//===- DumpCommand.h - `qemu dump-guest-memory` -----------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#ifndef QEMUDUMP_PLUGIN_COMMANDS_DUMPCOMMAND_H
#define QEMUDUMP_PLUGIN_COMMANDS_DUMPCOMMAND_H

#include "lldb/API/SBCommandInterpreter.h"
#include "lldb/API/SBCommandReturnObject.h"
#include "lldb/API/SBDebugger.h"

namespace qemudump {

/// `qemu dump-guest-memory [options] FILE [ARCH]`: parses the options
/// (DumpOptions.h), runs the dump (DumpPipeline.h), replies once.
class DumpCommand : public lldb::SBCommandPluginInterface {
public:
  static const char *help();
  static const char *syntax();
  bool DoExecute(lldb::SBDebugger Debugger, char **Args,
                 lldb::SBCommandReturnObject &Result) override;
};

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_COMMANDS_DUMPCOMMAND_H
