//===- RiscvTarget.h - QEMU's RISC-V target: RISCVCPU -----------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The vCPUs (harts) of qemu-system-riscv64 (or -riscv32), read as RISCVCPU
// through the debug info: pc and x1..x31 for the notes (lib/Arch/Riscv.h),
// and vCPU 0's mstatus.UBE, by which QEMU's dump picks its byte order.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_PLUGIN_TARGETS_RISCVTARGET_H
#define QEMUDUMP_PLUGIN_TARGETS_RISCVTARGET_H

#include "Targets/QemuTarget.h"

#include <memory>

namespace qemudump {

std::unique_ptr<QemuTarget> readRiscvTarget(const QemuSession &S,
                                            llvm::StringRef Name);

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_TARGETS_RISCVTARGET_H
