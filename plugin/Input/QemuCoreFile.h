//===- QemuCoreFile.h - Where QEMU's memory is read from --------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The core file LLDB loaded (which LLDB 17 and later name, and which older
// LLDB has mapped), checked to be of the loaded QEMU build. The reader is a
// property of the core: an ELF core is read directly; a minidump or a Mach-O
// core (whose layout qemudump parses), a core of another format, a core
// whose file cannot be found, and a live process are read through
// SBProcess::ReadMemory.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_PLUGIN_INPUT_QEMUCOREFILE_H
#define QEMUDUMP_PLUGIN_INPUT_QEMUCOREFILE_H

#include "Qemu/QemuSession.h"

#include "qemudump/Input/CoreFileMemory.h"
#include "qemudump/Input/MemorySource.h"

#include "llvm/Support/Error.h"

#include <memory>
#include <optional>
#include <string>

namespace qemudump {

/// The path of the core file the process was loaded from: from
/// SBProcess::GetCoreFile (LLDB 17 and later), else the core file LLDB has
/// mapped whose pid is this process's. None for a live process, or when that
/// is ambiguous.
std::optional<std::string> locateCoreFile(const QemuSession &S);

/// Whether \p Process is one LLDB loaded from a core file (of any format).
bool isCoreProcess(lldb::SBProcess Process);

/// Fails when \p Core holds a mapping of a file named like QEMU's executable
/// whose build-id is not the executable's: the core is of another build.
llvm::Error checkCoreMatchesBinary(const QemuSession &S, CoreFileMemory &Core);

/// QEMU's memory: an ELF core file itself when it can be located (fast, and
/// it knows which pages the kernel left out as never written), checked with
/// checkCoreMatchesBinary; else SBProcess::ReadMemory, with the layout of a
/// minidump (its module list checked against the binary) or Mach-O core.
llvm::Expected<std::unique_ptr<MemorySource>>
openQemuMemory(const QemuSession &S);

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_INPUT_QEMUCOREFILE_H
