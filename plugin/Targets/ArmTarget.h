//===- ArmTarget.h - QEMU's ARM target: ARMCPU ------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The vCPUs of qemu-system-aarch64 (or -arm), read as ARMCPU through the
// debug info: what QEMU's cpu_get_dump_info decides by vCPU 0 (ELF64 or
// ELF32, the endianness of EL1), and each vCPU's registers for the notes of
// its guest arch (lib/Arch/Aarch64.h), with what QEMU computes at dump time
// (pstate_read, vfp_get_fpsr) done the same way.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_PLUGIN_TARGETS_ARMTARGET_H
#define QEMUDUMP_PLUGIN_TARGETS_ARMTARGET_H

#include "Targets/QemuTarget.h"

#include <memory>

namespace qemudump {

std::unique_ptr<QemuTarget> readArmTarget(const QemuSession &S,
                                          llvm::StringRef Name);

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_TARGETS_ARMTARGET_H
