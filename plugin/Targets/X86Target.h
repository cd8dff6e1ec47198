//===- X86Target.h - QEMU's x86 target: X86CPU ------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The vCPUs of qemu-system-x86_64 (or -i386), read as X86CPU through the
// debug info: the registers of the notes (lib/Arch/X86.h), the flags
// recomputed from TCG's lazy state as cpu_compute_eflags does (X86Flags.h),
// and vCPU 0's long mode, which ARCH is inferred from.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_PLUGIN_TARGETS_X86TARGET_H
#define QEMUDUMP_PLUGIN_TARGETS_X86TARGET_H

#include "Targets/QemuTarget.h"

#include <memory>

namespace qemudump {

std::unique_ptr<QemuTarget> readX86Target(const QemuSession &S,
                                          llvm::StringRef Name);

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_TARGETS_X86TARGET_H
