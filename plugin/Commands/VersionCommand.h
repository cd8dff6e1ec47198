//===- VersionCommand.h - `qemu version` ------------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#ifndef QEMUDUMP_PLUGIN_COMMANDS_VERSIONCOMMAND_H
#define QEMUDUMP_PLUGIN_COMMANDS_VERSIONCOMMAND_H

#include "lldb/API/SBCommandInterpreter.h"
#include "lldb/API/SBCommandReturnObject.h"
#include "lldb/API/SBDebugger.h"

namespace qemudump {

/// `qemu version`: the plugin's version, the LLDB headers it was built with,
/// and the LLDB it runs in.
class VersionCommand : public lldb::SBCommandPluginInterface {
public:
  static const char *help();
  static const char *syntax();
  bool DoExecute(lldb::SBDebugger Debugger, char **Args,
                 lldb::SBCommandReturnObject &Result) override;
};

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_COMMANDS_VERSIONCOMMAND_H
