//===- QemuArmCpus.h - QEMU's ARM vCPUs: registers and dump facts -*- C++ -*-//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The vCPUs of qemu-system-aarch64 (or -arm), read as ARMCPU through the
// debug info: what QEMU's cpu_get_dump_info decides by vCPU 0 (ELF64 or
// ELF32, the endianness of EL1), and each vCPU's AArch64 registers for the
// notes, with what QEMU computes at dump time done the same way.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_PLUGIN_QEMUARMCPUS_H
#define QEMUDUMP_PLUGIN_QEMUARMCPUS_H

#include "Qemu/QemuCpuList.h"
#include "Qemu/QemuSession.h"

#include "qemudump/Arch/Aarch64.h"

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace qemudump {

/// The vCPUs of an ARM QEMU (qemu-system-aarch64 or -arm), with what QEMU's
/// dump decides by vCPU 0 (cpu_get_dump_info).
/// Cpus holds each vCPU's AArch64 registers; it is empty (and NoNotes says
/// why) when vCPU 0 has no AArch64 (a 32-bit CPU model, whose notes qemudump
/// does not write) or the registers cannot be read as QEMU's dump would.
struct ArmCpus : CpuSet<Aarch64CpuState> {
  bool Aarch64 = false;   ///< vCPU 0 has ARM_FEATURE_AARCH64: an ELF64 dump.
  bool BigEndian = false; ///< vCPU 0's SCTLR_EL1.EE is set.
};

/// The ARM vCPUs, each read through ARMCPU's debug info: pstate and FPSR as
/// QEMU computes them at dump time (pstate_read, vfp_get_fpsr). Fails when
/// the list or vCPU 0 cannot be read; a vCPU in AArch32 state, or a QEMU
/// whose FP status layout is not known, leaves Cpus empty and says why in
/// NoNotes.
llvm::Expected<ArmCpus> readArmCpus(const QemuSession &S);

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_QEMUARMCPUS_H
