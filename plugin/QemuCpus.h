//===- QemuCpus.h - QEMU's vCPUs: the target, registers, endianness -*- C++
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//-*-===//
//
// The vCPU list (`cpus` up to QEMU 8.1, `cpus_queue` from 8.2, linked by
// CPUState.node.tqe_next), each cast to the target's CPU type through the
// debug info: the x86 registers for the notes (flags recomputed from TCG's
// lazy state, as cpu_compute_eflags does), and the facts ARCH is inferred
// from.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_PLUGIN_QEMUCPUS_H
#define QEMUDUMP_PLUGIN_QEMUCPUS_H

#include "QemuSession.h"

#include "qemudump/Aarch64CpuNotes.h"
#include "qemudump/X86CpuNotes.h"

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace qemudump {

/// The vCPUs of an x86 QEMU, with the accelerator it ran.
struct X86Cpus {
  std::vector<X86CpuState> Cpus;
  bool Kvm = false; ///< QEMU used KVM: the registers in memory may be stale.
  std::vector<std::string> Problems; ///< What makes the registers doubtful.
};

/// The vCPUs of an ARM QEMU (qemu-system-aarch64 or -arm), with what QEMU's
/// dump decides by vCPU 0 (cpu_get_dump_info).
struct ArmCpus {
  /// Each vCPU's AArch64 registers; empty when vCPU 0 has no AArch64 (a
  /// 32-bit CPU model, whose notes qemudump does not write).
  std::vector<Aarch64CpuState> Cpus;
  bool Aarch64 = false;   ///< vCPU 0 has ARM_FEATURE_AARCH64: an ELF64 dump.
  bool BigEndian = false; ///< vCPU 0's SCTLR_EL1.EE is set.
  bool Kvm = false;
  std::vector<std::string> Problems; ///< What makes the registers doubtful.
  /// Why there are no register notes, though the facts above are known.
  std::string NoNotes;
};

/// The QEMU target's architecture family, from the vCPU type its debug info
/// has (X86CPU: "x86"; ARMCPU: "aarch64" or "arm"; PowerPCCPU, S390CPU,
/// RISCVCPU, LoongArchCPU), the executable's name (qemu-system-NAME) telling
/// the 32- from the 64-bit target; "" when unknown.
std::string targetFamily(const QemuSession &S);

/// The x86 vCPUs, each cast to X86CPU and its env read through the debug
/// info.
llvm::Expected<X86Cpus> readX86Cpus(const QemuSession &S);

/// The ARM vCPUs, each read through ARMCPU's debug info: pstate and FPSR as
/// QEMU computes them at dump time (pstate_read, vfp_get_fpsr). Fails when
/// the list or vCPU 0 cannot be read; a vCPU in AArch32 state, or a QEMU
/// whose FP status layout is not known, leaves Cpus empty and says why in
/// NoNotes.
llvm::Expected<ArmCpus> readArmCpus(const QemuSession &S);

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_QEMUCPUS_H
