//===- DumpCommand.h - The `qemu` commands ----------------------*- C++ -*-===//

#ifndef QEMUDUMP_PLUGIN_DUMPCOMMAND_H
#define QEMUDUMP_PLUGIN_DUMPCOMMAND_H

#include "lldb/API/SBCommandInterpreter.h"
#include "lldb/API/SBCommandReturnObject.h"
#include "lldb/API/SBDebugger.h"

namespace qemudump {

/// `qemu dump-guest-memory FILE ARCH`
class DumpCommand : public lldb::SBCommandPluginInterface {
public:
  static const char *help();
  static const char *syntax();
  bool DoExecute(lldb::SBDebugger Debugger, char **Args,
                 lldb::SBCommandReturnObject &Result) override;
};

/// `qemu guest-memory-map`
class MemoryMapCommand : public lldb::SBCommandPluginInterface {
public:
  static const char *help();
  static const char *syntax();
  bool DoExecute(lldb::SBDebugger Debugger, char **Args,
                 lldb::SBCommandReturnObject &Result) override;
};

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_DUMPCOMMAND_H
