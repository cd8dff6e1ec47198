//===- S390xTarget.h - QEMU's s390x target: S390CPU -------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The vCPUs of qemu-system-s390x, read as S390CPU through the debug info:
// the registers of the notes (lib/Arch/S390x.h), as QEMU's dump takes them
// from CPUS390XState (the PSW as stored, not recomputed from TCG's lazy
// condition code).
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_PLUGIN_TARGETS_S390XTARGET_H
#define QEMUDUMP_PLUGIN_TARGETS_S390XTARGET_H

#include "Targets/QemuTarget.h"

#include <memory>

namespace qemudump {

std::unique_ptr<QemuTarget> readS390xTarget(const QemuSession &S,
                                            llvm::StringRef Name);

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_TARGETS_S390XTARGET_H
