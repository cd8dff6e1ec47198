//===- QemuRiscvCpus.h - QEMU's RISC-V vCPUs -------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The vCPUs of qemu-system-riscv64 (or -riscv32), read as RISCVCPU through
// the debug info: the registers of the notes, and vCPU 0's mstatus.UBE, by
// which QEMU's cpu_get_dump_info picks the dump's byte order.
//
//===----------------------------------------------------------------------===//

#ifndef QEMUDUMP_PLUGIN_QEMURISCVCPUS_H
#define QEMUDUMP_PLUGIN_QEMURISCVCPUS_H

#include "Qemu/QemuCpuList.h"
#include "Qemu/QemuSession.h"

#include "qemudump/Arch/Riscv.h"

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace qemudump {

struct RiscvCpus : CpuSet<RiscvCpuState> {
  bool BigEndian = false; ///< vCPU 0's mstatus.UBE is set.
};

/// The RISC-V vCPUs. Fails when the list or a vCPU cannot be read.
llvm::Expected<RiscvCpus> readRiscvCpus(const QemuSession &S);

} // namespace qemudump

#endif // QEMUDUMP_PLUGIN_QEMURISCVCPUS_H
