//===- QemuCpus.h - QEMU's target family, and its x86 vCPUs -----*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Which target a QEMU is (its vCPU type), and the x86 vCPUs read through the
// debug info: the registers for the notes (flags recomputed from TCG's lazy
// state, as cpu_compute_eflags does), and long mode, which ARCH is inferred
// from.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_PLUGIN_QEMUCPUS_H
#define QEMUDUMP_PLUGIN_QEMUCPUS_H

#include "Qemu/QemuCpuList.h"
#include "Qemu/QemuSession.h"

#include "qemudump/Arch/X86.h"

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace qemudump {

/// The vCPUs of an x86 QEMU, with the accelerator it ran.
struct X86Cpus : CpuSet<X86CpuState> {};

/// The QEMU target's architecture family, from the vCPU type its debug info
/// has (X86CPU: "x86"; ARMCPU: "aarch64" or "arm"; PowerPCCPU, S390CPU,
/// RISCVCPU, LoongArchCPU), the executable's name (qemu-system-NAME) telling
/// the 32- from the 64-bit target; "" when unknown.
std::string targetFamily(const QemuSession &S);

/// The x86 vCPUs, each cast to X86CPU and its env read through the debug
/// info.
llvm::Expected<X86Cpus> readX86Cpus(const QemuSession &S);

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_QEMUCPUS_H
