//===- QemuPpcCpus.h - QEMU's ppc64 vCPUs -----------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The vCPUs of qemu-system-ppc64, read as PowerPCCPU through the debug info:
// the registers of the notes (XER, CR and VSCR assembled as QEMU's dump
// does), and the byte order QEMU's cpu_get_dump_info picks by vCPU 0's
// interrupt endianness (ppc_interrupts_little_endian: HID0's HILE for a
// hypervisor, LPCR.ILE where the CPU class has it (pseries), else
// MSR.ILE), not by MSR.LE. QEMU's host is taken to be little-endian (where
// VSR doublewords are stored swapped).
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_PLUGIN_QEMUPPCCPUS_H
#define QEMUDUMP_PLUGIN_QEMUPPCCPUS_H

#include "Qemu/QemuCpuList.h"
#include "Qemu/QemuSession.h"

#include "qemudump/Arch/Ppc64.h"

#include "llvm/Support/Error.h"

namespace qemudump {

struct PpcCpus : CpuSet<PpcCpuState> {
  /// vCPU 0's interrupts are little-endian: QEMU writes a little-endian
  /// dump; unset when it cannot be told (EndianProblem says why).
  std::optional<bool> LittleEndian;
  std::string EndianProblem;
};

/// The ppc64 vCPUs. Fails when the list or a vCPU cannot be read.
llvm::Expected<PpcCpus> readPpcCpus(const QemuSession &S);

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_QEMUPPCCPUS_H
