//===- MemoryMapCommand.h - `qemu guest-memory-map` -------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#ifndef QEMUDUMP_PLUGIN_COMMANDS_MEMORYMAPCOMMAND_H
#define QEMUDUMP_PLUGIN_COMMANDS_MEMORYMAPCOMMAND_H

#include "lldb/API/SBCommandInterpreter.h"
#include "lldb/API/SBCommandReturnObject.h"
#include "lldb/API/SBDebugger.h"

namespace qemudump {

/// `qemu guest-memory-map`: QEMU's RAM flat ranges as the dump will use them.
class MemoryMapCommand : public lldb::SBCommandPluginInterface {
public:
  static const char *help();
  static const char *syntax();
  bool DoExecute(lldb::SBDebugger Debugger, char **Args,
                 lldb::SBCommandReturnObject &Result) override;
};

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_COMMANDS_MEMORYMAPCOMMAND_H
