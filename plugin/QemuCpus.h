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

/// The QEMU target's architecture family from its debug info: "x86" when
/// it has X86CPU; otherwise from the executable's name (qemu-system-NAME),
/// or "" when unknown.
std::string targetFamily(const QemuSession &S);

/// The x86 vCPUs, each cast to X86CPU and its env read through the debug
/// info.
llvm::Expected<X86Cpus> readX86Cpus(const QemuSession &S);

/// Whether an aarch64 guest is big-endian, as QEMU's dump decides it: from
/// vCPU 0's SCTLR_EL1.EE (ARMCPU's env.cp15.sctlr_el[1]).
llvm::Expected<bool> aarch64BigEndian(const QemuSession &S);

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_QEMUCPUS_H
