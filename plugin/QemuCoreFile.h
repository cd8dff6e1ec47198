//===- QemuCoreFile.h - Where QEMU's memory is read from --------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The core file LLDB loaded (which LLDB 17 and later name, and which older
// LLDB has mapped), checked to be of the loaded QEMU build; QEMU's memory is
// read from it directly. A live process, or a core whose file cannot be
// found, is read through SBProcess::ReadMemory.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_PLUGIN_QEMUCOREFILE_H
#define QEMUDUMP_PLUGIN_QEMUCOREFILE_H

#include "QemuSession.h"

#include "qemudump/CoreFileMemory.h"
#include "qemudump/MemorySource.h"

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

/// Fails when \p Core holds a mapping of a file named like QEMU's executable
/// whose build-id is not the executable's: the core is of another build.
llvm::Error checkCoreMatchesBinary(const QemuSession &S, CoreFileMemory &Core);

/// QEMU's memory: the core file itself when it can be located (fast, and it
/// knows which pages the kernel left out as never written), checked with
/// checkCoreMatchesBinary; else SBProcess::ReadMemory.
llvm::Expected<std::unique_ptr<MemorySource>>
openQemuMemory(const QemuSession &S);

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_QEMUCOREFILE_H
