//===- QemuSession.h - The QEMU that LLDB has loaded ------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The debugger's selected target, checked to be a QEMU with its debug info
// and a stopped process (a core, or a live QEMU): the starting point of every
// `qemu` command. Holds what the readers of QEMU's structures need: the
// target, the process, QEMU's executable module and its globals.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_PLUGIN_QEMU_QEMUSESSION_H
#define QEMUDUMP_PLUGIN_QEMU_QEMUSESSION_H

#include "Qemu/ValueReader.h"

#include "lldb/API/SBDebugger.h"
#include "lldb/API/SBModule.h"
#include "lldb/API/SBProcess.h"
#include "lldb/API/SBTarget.h"
#include "lldb/API/SBValue.h"

#include "qemudump/Input/DwarfTypes.h"

#include "llvm/Support/Error.h"

#include <memory>
#include <optional>
#include <string>

namespace qemudump {

class QemuSession {
public:
  /// Fails, naming the remedy, when there is no target, no process, a
  /// running or exited one, or an executable that is not QEMU or has no
  /// debug info.
  static llvm::Expected<QemuSession> open(lldb::SBDebugger Debugger);

  lldb::SBTarget target() const { return Target; }
  lldb::SBProcess process() const { return Process; }
  /// QEMU's executable.
  lldb::SBModule exe() const { return Exe; }
  /// The executable's file name ("qemu-system-x86_64"), or "" if unknown.
  std::string exeName() const;
  /// QEMU's byte order (the host's).
  bool littleEndian() const { return LittleEndian; }
  /// A fresh reader of QEMU's structures.
  ValueReader reader() const { return ValueReader(Target, LittleEndian); }

  /// The DWARF of QEMU's debug info, read at the first call (by DwarfTypes,
  /// not LLDB); the same error at every call when it cannot be read.
  llvm::Expected<const DwarfTypes &> dwarf() const;

  /// The global \p Name of QEMU's executable (invalid when absent).
  lldb::SBValue global(const char *Name) const;
  lldb::SBValue addressSpaceMemory() const { return AddressSpaceMemory; }

  /// The C string (at most 127 bytes) that the char pointer \p Pointer
  /// points at; "" when it is NULL or cannot be read.
  std::string cString(lldb::SBValue Pointer) const;

  /// current_machine->dump_guest_core, when it can be read.
  std::optional<bool> dumpGuestCore() const;

  /// Fails when QEMU ran with -machine dump-guest-core=off
  /// (current_machine->dump_guest_core false): its core has no guest RAM.
  llvm::Error checkDumpGuestCore() const;

private:
  QemuSession(lldb::SBTarget T, lldb::SBProcess P, lldb::SBModule M,
              lldb::SBValue AS)
      : Target(T), Process(P), Exe(M), AddressSpaceMemory(AS) {}

  lldb::SBTarget Target;
  lldb::SBProcess Process;
  lldb::SBModule Exe;
  lldb::SBValue AddressSpaceMemory;
  bool LittleEndian = true;
  /// dwarf()'s result, shared by the session's copies.
  struct DwarfCache {
    std::unique_ptr<DwarfTypes> Types;
    std::string Error;
  };
  std::shared_ptr<DwarfCache> Dwarf = std::make_shared<DwarfCache>();
};

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_QEMU_QEMUSESSION_H
