//===- QemuS390Cpus.h - QEMU's s390x vCPUs ----------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The vCPUs of qemu-system-s390x, read as S390CPU through the debug info:
// the registers of the notes, as QEMU's dump takes them from CPUS390XState
// (the PSW as stored, not recomputed from TCG's lazy condition code).
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_PLUGIN_QEMUS390CPUS_H
#define QEMUDUMP_PLUGIN_QEMUS390CPUS_H

#include "Qemu/QemuCpuList.h"
#include "Qemu/QemuSession.h"

#include "qemudump/Arch/S390x.h"

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace qemudump {

struct S390Cpus : CpuSet<S390CpuState> {};

/// The s390x vCPUs. Fails when the list or a vCPU cannot be read.
llvm::Expected<S390Cpus> readS390Cpus(const QemuSession &S);

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_QEMUS390CPUS_H
